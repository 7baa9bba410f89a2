import { chatProvider, type TProvider, type TProviderOptions } from "@/lib/ai/providers";
import { env } from "@/lib/env";

/**
 * Rolling session summary: one short line per processed segment (`#<n> m:ss–m:ss: …`), kept on
 * LiveSession.contextSummary; the LLM detector gets the lines of the segments before the one it looks at.
 */
export type TSegmentSummaryInput = { number: number; start: number; end: number; text: string; clipTitles: string[] };

const MAX_LINES = 12;
const MAX_LINE_CHARS = 300;

const STOPWORDS = new Set(
  (
    "the and that this with have for you your are was were but not they them then than there their what when where which who " +
    "will would could should just like know okay yeah yes its it's i'm i've don't can't can get got one all out about from " +
    "our his her him she he we me my so do did does had has how now well oh uh um ah also into too very really right here " +
    "some more any been being because over only going gonna want see let lets let's make made way thing things say said"
  ).split(/\s+/),
);

const mmss = (t: number) => `${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, "0")}`;

/** Offline and deterministic: the most frequent content words (ties: first spoken) and the clip titles. */
export function offlineSummary(input: TSegmentSummaryInput): string {
  const counts = new Map<string, { n: number; first: number }>();
  (input.text.toLowerCase().match(/[a-z][a-z']+/g) ?? []).forEach((w, i) => {
    if (w.length < 3 || STOPWORDS.has(w)) return;
    const c = counts.get(w);
    if (c) c.n++;
    else counts.set(w, { n: 1, first: i });
  });
  const top = [...counts]
    .sort((a, b) => b[1].n - a[1].n || a[1].first - b[1].first)
    .slice(0, 6)
    .map(([w]) => w);
  const talk = top.length ? `talk: ${top.join(", ")}` : "no speech";
  const clips = input.clipTitles.length ? `; clips: ${input.clipTitles.map((t) => `"${t}"`).join(", ")}` : "";
  return `${talk}${clips}`;
}

/** One sentence from the chat model (LLM_MODEL, else GROQ_CHAT_MODEL), about what happened in the segment. */
export async function llmSummary(input: TSegmentSummaryInput, provider: TProvider, model?: string): Promise<string> {
  const res = await provider.client.chat.completions.create({
    // Groq's detection model may differ from its chat model; a summary takes the chat model.
    model: model ?? (provider.engine === "groq" ? env.GROQ_CHAT_MODEL : provider.model),
    temperature: 0,
    messages: [
      {
        role: "system",
        content:
          "You summarise a stretch of a live stream for a highlight detector that will read it later as context. " +
          "Answer with one plain sentence of at most 30 words: what the streamer is doing and anything notable. No preamble.",
      },
      {
        role: "user",
        content: [
          `Stream time ${mmss(input.start)}–${mmss(input.end)}.`,
          input.clipTitles.length ? `Clipped moments: ${input.clipTitles.join("; ")}` : "No moment was clipped.",
          `Transcript: ${input.text.slice(0, 6000) || "(no speech)"}`,
        ].join("\n"),
      },
    ],
  });
  const text = res.choices[0]?.message?.content?.replace(/\s+/g, " ").trim();
  if (!text) throw new Error(`${provider.name} summary: empty answer`);
  return text;
}

/** The segment's summary line: the chat model when one is configured (offline summary if that fails), else offline. */
export async function summarizeSegmentText(
  input: TSegmentSummaryInput,
  opts: { groq?: TProviderOptions; log?: (m: string) => void } = {},
): Promise<string> {
  let body = offlineSummary(input);
  // The summary's model is not the detector's (GROQ_DETECT_MODEL): chatProvider's model is replaced below.
  const provider = chatProvider({ timeoutMs: 60_000, ...opts.groq, model: undefined });
  if (provider) {
    try {
      body = await llmSummary(input, provider, opts.groq?.model);
    } catch (err) {
      (opts.log ?? console.warn)(
        `[summary] segment ${input.number}: ${provider.name} failed (${(err as Error).message}); using the offline summary`,
      );
    }
  }
  return `#${input.number} ${mmss(input.start)}–${mmss(input.end)}: ${body}`.slice(0, MAX_LINE_CHARS);
}

const lineNumber = (line: string) => Number(/^#(\d+) /.exec(line)?.[1] ?? NaN);

/** Puts a segment's line into the rolling summary (replacing an earlier line of that segment), in order, last 12. */
export function upsertSummaryLine(rolling: string | null | undefined, number: number, line: string): string {
  const lines = (rolling ?? "").split("\n").filter((l) => Number.isInteger(lineNumber(l)) && lineNumber(l) !== number);
  lines.push(line);
  return lines
    .sort((a, b) => lineNumber(a) - lineNumber(b))
    .slice(-MAX_LINES)
    .join("\n");
}

/** The lines of segments before `number`: the context of that segment's detection (also on re-detection). */
export function summaryBefore(rolling: string | null | undefined, number: number): string | undefined {
  const lines = (rolling ?? "").split("\n").filter((l) => lineNumber(l) < number);
  return lines.length ? lines.join("\n") : undefined;
}
