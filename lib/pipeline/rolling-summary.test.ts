import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startFakeGroq, type TRecordedRequest } from "@/test/fixtures/fake-groq";

/**
 * The rolling session summary: after each segment's detection a short summary goes onto the session, and the
 * next segment's detection prompt carries the summaries of the earlier segments. Groq is a local server
 * speaking its wire format (the real groq-sdk client); the offline summary is checked for determinism.
 */
const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "summary-"));
let fake: Awaited<ReturnType<typeof startFakeGroq>>;
let steps: typeof import("./segment-steps");
let summarize: typeof import("@/lib/detect/summarize");
let db: typeof import("@/lib/db");
let storage: typeof import("@/lib/storage");

const completion = (content: string) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "openai/gpt-oss-120b",
  choices: [{ index: 0, message: { role: "assistant", content }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
});
const bodyOf = (r: TRecordedRequest) =>
  JSON.parse(r.body.toString("utf8")) as { response_format?: unknown; messages: { role: string; content: string }[] };
const isDetect = (r: TRecordedRequest) => Boolean(bodyOf(r).response_format);
const userPrompt = (r: TRecordedRequest) => bodyOf(r).messages.find((m) => m.role === "user")!.content;
const SUMMARIES = [
  "The streamer explains the dragon boss plan and gathers potions.",
  "The dragon fight starts and the streamer nearly dies.",
];

beforeAll(async () => {
  let summaries = 0;
  fake = await startFakeGroq((req) => {
    if (isDetect(req)) return { json: completion(JSON.stringify({ highlights: [] })) };
    return { json: completion(SUMMARIES[summaries++ % SUMMARIES.length]) };
  });
  vi.stubEnv("STORAGE_DIR", storageDir);
  vi.stubEnv("GROQ_API_KEY", "gsk_test");
  vi.stubEnv("GROQ_BASE_URL", fake.baseURL);
  vi.resetModules();
  steps = await import("./segment-steps");
  summarize = await import("@/lib/detect/summarize");
  db = await import("@/lib/db");
  storage = await import("@/lib/storage");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake?.close();
  fs.rmSync(storageDir, { recursive: true, force: true });
});

async function seed(texts: string[]) {
  const { prisma } = db;
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const user = await prisma.user.create({ data: { id: `sum-${stamp}`, name: "S", email: `sum-${stamp}@example.com` } });
  const streamer = await prisma.streamer.create({
    data: {
      userId: user.id,
      name: "S",
      kind: "URL",
      source: `https://example.com/${stamp}.m3u8`,
      monitored: false,
      minClipSeconds: 10,
      maxClipSeconds: 20,
    },
  });
  const session = await prisma.liveSession.create({
    data: { userId: user.id, streamerId: streamer.id, segmentSeconds: 30 },
  });
  const segs = [];
  for (const [n, text] of texts.entries()) {
    const seg = await prisma.segment.create({
      data: {
        userId: user.id,
        sessionId: session.id,
        number: n,
        startOffset: n * 30,
        duration: 30,
        status: "PROCESSING",
      },
    });
    const words = text.split(" ").map((w, i) => ({ w, s: n * 30 + 1 + i * 0.5, e: n * 30 + 1.3 + i * 0.5 }));
    await prisma.transcript.create({
      data: { segmentId: seg.id, userId: user.id, engine: "whisper-large-v3-turbo", text, words },
    });
    const signals = {
      loudness: Array.from({ length: 30 }, (_, i) => ({ t: n * 30 + i, lufs: -30 })),
      silences: [],
      keywordHits: [],
    };
    await storage
      .getStore()
      .put(storage.storageKeys.segmentSignals(session.id, n), Buffer.from(JSON.stringify(signals)));
    segs.push(seg);
  }
  return { user, streamer, session, segs };
}

describe("rolling summary (Groq)", () => {
  it("each segment's summary goes onto the session; the next detection prompt carries the earlier ones", async () => {
    const { prisma } = db;
    const { user, session, segs } = await seed([
      "we plan the dragon boss and buy potions",
      "here comes the dragon oh no",
      "we won the fight",
    ]);
    fake.requests.length = 0;

    await steps.detectForSegment(segs[0].id);
    expect(userPrompt(fake.requests[0])).not.toContain("Earlier in the stream");
    expect(await steps.summarizeSegment(segs[0].id)).toBe(`#0 0:00–0:30: ${SUMMARIES[0]}`);
    // The summary request carries the segment's transcript.
    expect(userPrompt(fake.requests[1])).toContain("Transcript: we plan the dragon boss and buy potions");

    await steps.detectForSegment(segs[1].id);
    expect(userPrompt(fake.requests[2])).toContain(
      `Earlier in the stream (one line per earlier segment):\n#0 0:00–0:30: ${SUMMARIES[0]}`,
    );
    await steps.summarizeSegment(segs[1].id);

    await steps.detectForSegment(segs[2].id);
    expect(userPrompt(fake.requests[4])).toContain(`#0 0:00–0:30: ${SUMMARIES[0]}\n#1 0:30–1:00: ${SUMMARIES[1]}`);
    expect(fake.requests.map(isDetect)).toEqual([true, false, true, false, true]);

    // Re-detecting segment 1 later sees only what came before it, not its own or later summaries.
    fake.requests.length = 0;
    await steps.detectAgain(segs[1].id, user.id);
    const prompt = userPrompt(fake.requests[0]);
    expect(prompt).toContain(`#0 0:00–0:30: ${SUMMARIES[0]}`);
    expect(prompt).not.toContain("#1 ");
    expect((await prisma.liveSession.findUniqueOrThrow({ where: { id: session.id } })).contextSummary).toBe(
      `#0 0:00–0:30: ${SUMMARIES[0]}\n#1 0:30–1:00: ${SUMMARIES[1]}`,
    );
  });

  it.each([
    ["500 on every try", { status: 500, json: { error: { message: "boom", type: "internal_server_error" } } }, 2],
    [
      "429 with retry-after",
      {
        status: 429,
        headers: { "retry-after": "0" },
        json: { error: { message: "rate limited", type: "rate_limit_exceeded" } },
      },
      2,
    ],
    ["empty answer", { json: completion("") }, 1],
    ["no choices", { json: { ...completion("x"), choices: [] } }, 1],
  ] as const)(
    "Groq summary fault (%s) → the offline summary, logged; the step does not fail",
    async (_name, answer, tries) => {
      const failing = await startFakeGroq(() => answer as never);
      const logs: string[] = [];
      try {
        const input = {
          number: 3,
          start: 90,
          end: 120,
          text: "dragon potions dragon the boss",
          clipTitles: ["Dragon down"],
        };
        const line = await summarize.summarizeSegmentText(input, {
          groq: { apiKey: "gsk_test", baseURL: failing.baseURL, maxRetries: 1 },
          log: (m) => logs.push(m),
        });
        expect(line).toBe('#3 1:30–2:00: talk: dragon, potions, boss; clips: "Dragon down"');
        expect(failing.requests).toHaveLength(tries);
        expect(logs).toHaveLength(1);
        expect(logs[0]).toMatch(/^\[summary\] segment 3: Groq failed \(.+\); using the offline summary$/);
      } finally {
        await failing.close();
      }
    },
  );
});

describe("offline summary", () => {
  it.each([
    [{ text: "", clipTitles: [] }, "no speech"],
    [{ text: "the the and so okay", clipTitles: [] }, "no speech"],
    [{ text: "boss fight boss jump fight boss", clipTitles: [] }, "talk: boss, fight, jump"],
    [{ text: "zebra apple mango", clipTitles: ["A", "B"] }, 'talk: zebra, apple, mango; clips: "A", "B"'],
    [
      { text: "One two three four five six seven eight nine", clipTitles: [] },
      "talk: two, three, four, five, six, seven",
    ], // "one" is a stop word; top 6,
  ])("%j → %s (the same every time)", (input, expected) => {
    const full = { number: 0, start: 0, end: 30, ...input };
    expect(summarize.offlineSummary(full)).toBe(expected);
    expect(summarize.offlineSummary(full)).toBe(summarize.offlineSummary({ ...full }));
  });

  it("the rolling summary keeps one line per segment, in order, the last 12", () => {
    let rolling: string | null = null;
    for (const n of [2, 0, 1, 1]) rolling = summarize.upsertSummaryLine(rolling, n, `#${n} x: s${n}`);
    expect(rolling).toBe("#0 x: s0\n#1 x: s1\n#2 x: s2");
    for (let n = 3; n < 20; n++) rolling = summarize.upsertSummaryLine(rolling, n, `#${n} x`);
    expect(rolling!.split("\n")).toHaveLength(12);
    expect(rolling!.split("\n")[0]).toBe("#8 x");
    expect(summarize.summaryBefore(rolling, 10)).toBe("#8 x\n#9 x");
    expect(summarize.summaryBefore(rolling, 8)).toBeUndefined();
  });
});
