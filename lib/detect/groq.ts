import { createGroqClient } from "@/lib/groq-client";
import type { TOpenAICompatible, TProvider } from "@/lib/ai/providers";
import { z } from "zod";
import { env } from "@/lib/env";
import { activityTable } from "./activity";
import type { TCandidate, TDetectInput, Detector } from "./types";
import { publicProviderError } from "@/lib/provider-error";

/**
 * Highlight detection with a Groq-hosted LLM: the transcript (with times) and the measured signals go in,
 * structured JSON (json_schema, strict) comes out, is validated with zod, and is then held to the same rules
 * as the offline detector (inside the window, min/max length, min score). Invalid output is an error, so the
 * pipeline step retries instead of storing nonsense.
 */

const ZHighlight = z.object({
  start: z.number(),
  end: z.number(),
  title: z.string().min(1).max(120),
  hook: z.string().max(200),
  reason: z.string().min(1).max(400),
  score: z.number().min(0).max(100),
  tags: z.array(z.string().max(40)).max(8),
});
export const ZHighlights = z.object({ highlights: z.array(ZHighlight).max(20) });

const JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["highlights"],
  properties: {
    highlights: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["start", "end", "title", "hook", "reason", "score", "tags"],
        properties: {
          start: { type: "number", description: "stream seconds" },
          end: { type: "number", description: "stream seconds" },
          title: { type: "string" },
          hook: { type: "string" },
          reason: { type: "string" },
          score: { type: "integer", minimum: 0, maximum: 100 },
          tags: { type: "array", items: { type: "string" } },
        },
      },
    },
  },
} as const;

const SYSTEM = [
  "You find the moments in a live stream that make great short clips: hype, surprise, funny or dramatic peaks.",
  "You get a timed transcript (stream seconds), loudness peaks relative to the window's baseline, spotted keywords, and earlier context.",
  "Return only moments inside the window, each between the given minimum and maximum length, starting a little before the peak.",
  "For a pump.fun coin's stream you also get its trading and chat activity per 5 s against the session's baseline: a burst of buys, a market cap jump or a flood of chat is often the moment itself, even when little is said.",
  'score is 0-100 (how clip-worthy). reason names the evidence (loudness, keywords, what is said; for coin activity the figures, e.g. "buys 6× baseline, market cap +18 % in 20 s"). Return an empty list when nothing stands out.',
].join(" ");

function buildPrompt(input: TDetectInput): string {
  const { signals, window: w, settings } = input;
  // One line per phrase: a new line after a pause (> 1.5 s), every 6 s or every 12 words.
  const lines: string[] = [];
  let cur: string[] = [];
  let curStart = 0;
  let prevEnd = 0;
  for (const word of signals.words) {
    if (cur.length && (word.s - prevEnd > 1.5 || word.s - curStart > 6 || cur.length >= 12)) {
      lines.push(`[${curStart.toFixed(1)}] ${cur.join(" ")}`);
      cur = [];
    }
    if (!cur.length) curStart = word.s;
    cur.push(word.w);
    prevEnd = word.e;
  }
  if (cur.length) lines.push(`[${curStart.toFixed(1)}] ${cur.join(" ")}`);
  const sorted = [...signals.loudness].map((p) => p.lufs).sort((a, b) => a - b);
  const baseline = sorted.length ? sorted[Math.floor(sorted.length / 2)] : -70;
  const peaks = signals.loudness
    .filter((p) => p.lufs - baseline >= 6)
    .filter((_, i, xs) => i === 0 || xs[i].t - xs[i - 1].t >= 1)
    .slice(0, 40)
    .map((p) => `${p.t.toFixed(1)}s +${(p.lufs - baseline).toFixed(0)}LU`);
  return [
    `Window: ${w.start.toFixed(1)}–${w.end.toFixed(1)} s. Clip length ${settings.minClipSeconds}–${settings.maxClipSeconds} s.`,
    `Streamer keywords: ${settings.keywords.join(", ") || "(none)"}`,
    settings.customPrompt ? `What this streamer wants clipped: ${settings.customPrompt.slice(0, 1000)}` : "",
    input.context ? `Earlier in the stream (one line per earlier segment):\n${input.context.slice(-2000)}` : "",
    `Loudness baseline ${baseline.toFixed(1)} LUFS; peaks: ${peaks.join(", ") || "none"}`,
    `Keyword hits: ${signals.keywordHits.map((h) => `${h.phrase}@${h.t.toFixed(1)}`).join(", ") || "none"}`,
    signals.activity ? `Coin activity (pump.fun):\n${activityTable(signals.activity, w) || "none in this window"}` : "",
    `Transcript:\n${lines.join("\n") || "(no speech)"}`,
  ]
    .filter(Boolean)
    .join("\n");
}

export type TGroqDetectorOptions = {
  apiKey?: string;
  baseURL?: string;
  model?: string;
  maxRetries?: number;
  timeoutMs?: number;
  /** How many times to ask the model in total when its answer is not valid JSON of the schema. */
  answerAttempts?: number;
};

/** Groq's chat model (GROQ_DETECT_MODEL, else GROQ_CHAT_MODEL), or the key and server in `opts`. */
export function createGroqDetector(opts: TGroqDetectorOptions = {}): Detector {
  const client = createGroqClient(opts, 120_000) as unknown as TOpenAICompatible;
  const model = opts.model ?? env.GROQ_DETECT_MODEL ?? env.GROQ_CHAT_MODEL;
  return createLlmDetector({ engine: "groq", name: "Groq", model, client }, opts);
}

/** What the model is told to answer in JSON mode, where the server takes no schema. */
const JSON_MODE_FORMAT =
  'Answer with one JSON object only: {"highlights":[{"start":number,"end":number,"title":string,"hook":string,"reason":string,"score":integer 0-100,"tags":[string]}]}.';

/**
 * Detection with any chat model that speaks OpenAI's wire format (lib/ai/providers.ts): Groq, or a self-hosted
 * server (LLM_BASE_URL). `jsonMode` `json_schema` sends the schema (strict structured output); `json_object`
 * asks for JSON and describes the shape in the prompt. The answer is validated the same way in both.
 */
export function createLlmDetector(
  provider: TProvider,
  opts: { answerAttempts?: number; jsonMode?: "json_schema" | "json_object" } = {},
): Detector {
  const { client, model, engine } = provider;
  const who = `${provider.name} detector`;
  const jsonMode = opts.jsonMode ?? (engine === "openai" ? env.LLM_JSON_MODE : "json_schema");
  const attempts = Math.max(1, opts.answerAttempts ?? 2);
  return {
    async detect(input: TDetectInput): Promise<TCandidate[]> {
      // An invalid answer is asked again (the model is not deterministic even at temperature 0), never stored.
      let last: Error | undefined;
      for (let i = 0; i < attempts; i++) {
        const out = await askOnce(input);
        if (!(out instanceof Error)) return out;
        last = out;
      }
      throw last!;
    },
  };

  async function askOnce(input: TDetectInput): Promise<TCandidate[] | Error> {
    const res = await client.chat.completions
      .create({
        model,
        temperature: 0,
        messages: [
          { role: "system", content: jsonMode === "json_object" ? `${SYSTEM} ${JSON_MODE_FORMAT}` : SYSTEM },
          { role: "user", content: buildPrompt(input) },
        ],
        response_format:
          jsonMode === "json_object"
            ? { type: "json_object" }
            : { type: "json_schema", json_schema: { name: "highlights", strict: true, schema: JSON_SCHEMA } },
      })
      .catch((err: unknown) => {
        throw publicProviderError(who, err);
      });
    const content = res.choices[0]?.message?.content;
    if (!content) return new Error(`${who}: empty answer`);
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch {
      return new Error(`${who}: answer is not JSON: ${content.slice(0, 120)}`);
    }
    const parsed = ZHighlights.safeParse(json);
    if (!parsed.success)
      return new Error(`${who}: answer does not match the schema: ${parsed.error.issues[0]?.message}`);
    return toCandidates(parsed.data.highlights, input, { engine, model });
  }
}

/**
 * Moves clip edges off the middle of words and out of dead air: a start inside a word moves to the word's
 * start, a start inside a pause to just before the speech after it; an end inside a word moves to the word's
 * end, an end inside a pause to just after the speech before it.
 */
export function snapToSpeech(
  start: number,
  end: number,
  signals: Pick<TDetectInput["signals"], "words" | "silences">,
): { start: number; end: number } {
  const PAD = 0.25;
  let s = start;
  let e = end;
  const inWordS = signals.words.find((w) => w.s < s && s < w.e);
  if (inWordS) s = inWordS.s;
  else {
    const pause = signals.silences.find((p) => p.start <= s && s < p.end);
    if (pause && pause.end - PAD < e) s = Math.max(s, pause.end - PAD);
  }
  const inWordE = signals.words.find((w) => w.s < e && e < w.e);
  if (inWordE) e = inWordE.e;
  else {
    const pause = signals.silences.find((p) => p.start < e && e <= p.end);
    if (pause && pause.start + PAD > s) e = Math.min(e, pause.start + PAD);
  }
  return e > s ? { start: s, end: e } : { start, end };
}

/** Holds the model's answer to the window and length limits (it is told them, but not trusted with them). */
function toCandidates(
  highlights: z.infer<typeof ZHighlight>[],
  input: TDetectInput,
  { engine, model }: Pick<TProvider, "engine" | "model">,
): TCandidate[] {
  const { window: w, settings, signals } = input;
  const out: TCandidate[] = [];
  for (const h of highlights) {
    const snapped = snapToSpeech(h.start, h.end, signals);
    let start = Math.max(w.start, snapped.start);
    let end = Math.min(w.end, snapped.end);
    if (!(end > start)) continue;
    if (end - start > settings.maxClipSeconds) end = start + settings.maxClipSeconds;
    if (end - start < settings.minClipSeconds) {
      const missing = settings.minClipSeconds - (end - start);
      start = Math.max(w.start, start - missing / 2);
      end = Math.min(w.end, start + settings.minClipSeconds);
    }
    const score = Math.round(h.score);
    if (score < settings.minScore) continue;
    const excerpt = signals.words
      .filter((x) => x.s >= start && x.e <= end + 0.2)
      .map((x) => x.w)
      .join(" ")
      .slice(0, 300);
    out.push({
      start: Math.round(start * 100) / 100,
      end: Math.round(end * 100) / 100,
      title: h.title,
      hook: h.hook,
      reason: h.reason,
      score,
      tags: h.tags,
      engine,
      model,
      excerpt,
    });
  }
  return out.sort((a, b) => b.score - a.score || a.start - b.start);
}
