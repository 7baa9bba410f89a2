import { describe, expect, it } from "vitest";
import { startFakeGroq } from "@/test/fixtures/fake-groq";
import { createGroqDetector, snapToSpeech } from "./groq";
import type { TDetectInput } from "./types";

const input: TDetectInput = {
  window: { start: 100, end: 160 },
  context: "The streamer has been trying the hard route for an hour.",
  settings: {
    minClipSeconds: 5,
    maxClipSeconds: 20,
    minScore: 50,
    keywords: ["gg"],
    customPrompt: "Clip the boss fights.",
  },
  signals: {
    words: [
      { w: "okay", s: 120.0, e: 120.3 },
      { w: "oh", s: 135.0, e: 135.2 },
      { w: "my", s: 135.2, e: 135.3 },
      { w: "god", s: 135.3, e: 135.6 },
      { w: "no", s: 135.9, e: 136.0 },
      { w: "way", s: 136.0, e: 136.4 },
    ],
    loudness: [
      { t: 120, lufs: -28 },
      { t: 130, lufs: -27 },
      { t: 135.5, lufs: -13 },
      { t: 140, lufs: -29 },
    ],
    silences: [{ start: 133, end: 134.8 }],
    keywordHits: [{ phrase: "oh my god", t: 135.0 }],
  },
};

/** A chat.completion as Groq sends it, with `content` as the model's text. */
const completion = (content: string) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "openai/gpt-oss-120b",
  choices: [{ index: 0, message: { role: "assistant", content }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 500, completion_tokens: 80, total_tokens: 580 },
  system_fingerprint: "fp_1",
  x_groq: { id: "req_1" },
});

describe("Groq detector (wire contract)", () => {
  it("sends transcript + signals with a strict json_schema and returns validated, limited candidates", async () => {
    const answer = {
      highlights: [
        {
          start: 133.5,
          end: 142,
          title: "No way!",
          hook: "He did not expect that",
          reason: "shout, +15 LU, 'oh my god'",
          score: 88.4,
          tags: ["hype"],
        },
        { start: 150, end: 190, title: "Too long, past the window", hook: "", reason: "long", score: 70, tags: [] },
        { start: 110, end: 112, title: "Too short", hook: "", reason: "short", score: 60, tags: [] },
        { start: 121, end: 128, title: "Meh", hook: "", reason: "weak", score: 20, tags: [] },
      ],
    };
    const server = await startFakeGroq(() => ({ json: completion(JSON.stringify(answer)) }));
    try {
      const out = await createGroqDetector({
        apiKey: "gsk_test",
        baseURL: server.baseURL,
        model: "openai/gpt-oss-120b",
      }).detect(input);
      expect(out).toEqual([
        // 133.5 is inside the pause 133–134.8: the clip starts 0.25 s before the speech after it.
        {
          start: 134.55,
          end: 142,
          title: "No way!",
          hook: "He did not expect that",
          reason: "shout, +15 LU, 'oh my god'",
          score: 88,
          tags: ["hype"],
          engine: "groq",
          model: "openai/gpt-oss-120b",
          excerpt: "oh my god no way",
        },
        {
          start: 150,
          end: 160,
          title: "Too long, past the window",
          hook: "",
          reason: "long",
          score: 70,
          tags: [],
          engine: "groq",
          model: "openai/gpt-oss-120b",
          excerpt: "",
        },
        {
          start: 108.5,
          end: 113.5,
          title: "Too short",
          hook: "",
          reason: "short",
          score: 60,
          tags: [],
          engine: "groq",
          model: "openai/gpt-oss-120b",
          excerpt: "",
        },
      ]);
      const req = server.requests[0];
      expect(req.url).toBe("/openai/v1/chat/completions");
      expect(req.headers.authorization).toBe("Bearer gsk_test");
      const body = JSON.parse(req.body.toString("utf8"));
      expect(body.model).toBe("openai/gpt-oss-120b");
      expect(body.response_format.type).toBe("json_schema");
      expect(body.response_format.json_schema.strict).toBe(true);
      expect(body.response_format.json_schema.schema.required).toEqual(["highlights"]);
      const user = body.messages.find((m: { role: string }) => m.role === "user").content as string;
      expect(user).toContain("Window: 100.0–160.0 s");
      expect(user).toContain("[120.0] okay\n[135.0] oh my god no way");
      expect(user).toContain("oh my god@135.0");
      expect(user).toContain("135.5s +");
      expect(user).toContain("hard route");
      expect(user).toContain("What this streamer wants clipped: Clip the boss fights.");
    } finally {
      await server.close();
    }
  });

  it.each([
    ["malformed JSON", '{"highlights": [ {"start": 1, '],
    [
      "wrong shape",
      JSON.stringify({
        highlights: [{ start: "soon", end: 140, title: "x", hook: "", reason: "r", score: 50, tags: [] }],
      }),
    ],
    ["missing list", JSON.stringify({ clips: [] })],
    ["empty content", ""],
  ])("rejects %s after asking again once", async (_name, content) => {
    const server = await startFakeGroq(() => ({ json: completion(content) }));
    try {
      await expect(createGroqDetector({ apiKey: "k", baseURL: server.baseURL }).detect(input)).rejects.toThrow(
        /Groq detector: /,
      );
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it("accepts an empty list", async () => {
    const server = await startFakeGroq(() => ({ json: completion(JSON.stringify({ highlights: [] })) }));
    try {
      expect(await createGroqDetector({ apiKey: "k", baseURL: server.baseURL }).detect(input)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("Groq detector (retries)", () => {
  const valid = completion(
    JSON.stringify({ highlights: [{ start: 135, end: 142, title: "t", hook: "h", reason: "r", score: 80, tags: [] }] }),
  );

  it("asks again after an invalid answer and uses the valid one", async () => {
    const server = await startFakeGroq((req) => ({
      json: server.requests.indexOf(req) === 0 ? completion('{"highlights": 3}') : valid,
    }));
    try {
      const out = await createGroqDetector({ apiKey: "k", baseURL: server.baseURL }).detect(input);
      expect(out.map((c) => [c.start, c.end, c.title])).toEqual([[135, 142, "t"]]);
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it("retries 429 with retry-after, then succeeds", async () => {
    const limited = { error: { message: "Rate limit reached for model", type: "tokens", code: "rate_limit_exceeded" } };
    const server = await startFakeGroq((req) =>
      server.requests.indexOf(req) === 0
        ? { status: 429, headers: { "retry-after": "1" }, json: limited }
        : { json: valid },
    );
    try {
      const out = await createGroqDetector({ apiKey: "k", baseURL: server.baseURL }).detect(input);
      expect(out).toHaveLength(1);
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it("retries 500 and gives up after maxRetries with the status, not the provider's text", async () => {
    const server = await startFakeGroq(() => ({
      status: 500,
      json: { error: { message: "Internal Server Error", type: "internal_server_error" } },
    }));
    try {
      await expect(
        createGroqDetector({ apiKey: "k", baseURL: server.baseURL, maxRetries: 1 }).detect(input),
      ).rejects.toThrow("Groq detector: the provider failed (HTTP 500).");
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it("times out a hanging request", async () => {
    const server = await startFakeGroq(() => ({ json: valid, delayMs: 5_000 }));
    try {
      await expect(
        createGroqDetector({ apiKey: "k", baseURL: server.baseURL, maxRetries: 0, timeoutMs: 200 }).detect(input),
      ).rejects.toThrow("Groq detector: the provider timed out.");
    } finally {
      await server.close();
    }
  });
});

describe("snapToSpeech", () => {
  const signals = {
    words: [
      { w: "one", s: 10, e: 10.5 },
      { w: "two", s: 11, e: 11.6 },
      { w: "three", s: 15, e: 15.4 },
    ],
    silences: [{ start: 11.6, end: 14.9 }],
  };
  it.each([
    ["start inside a word moves to its start", 10.2, 15.4, { start: 10, end: 15.4 }],
    ["end inside a word moves to its end", 10, 11.3, { start: 10, end: 11.6 }],
    ["start in a pause moves to just before the next speech", 12, 15.4, { start: 14.65, end: 15.4 }],
    ["end in a pause moves to just after the last speech", 10, 13, { start: 10, end: 11.85 }],
    ["edges already on speech stay", 10, 11.6, { start: 10, end: 11.6 }],
  ])("%s", (_n, start, end, want) => {
    expect(snapToSpeech(start, end, signals)).toEqual(want);
  });
});

describe("Groq detector with a pump.fun coin's activity", () => {
  it("puts the per-5-s trade and chat table in the prompt and keeps the reason the model gives", async () => {
    const seconds = [
      ...Array.from({ length: 20 }, (_, i) => ({
        t: 60 + i * 4,
        trades: 1,
        buys: 1,
        netBuySol: 0.2,
        marketCap: 40_000,
        chat: 0,
      })),
      ...Array.from({ length: 4 }, (_, k) => ({
        t: 145 + k,
        trades: 4,
        buys: 4,
        netBuySol: 3,
        marketCap: 40_000 * (1 + 0.05 * (k + 1)),
        chat: 2,
      })),
    ];
    const withActivity: TDetectInput = {
      ...input,
      signals: { ...input.signals, activity: { from: 60, to: 160, seconds } },
    };
    const answer = {
      highlights: [
        {
          start: 143,
          end: 152,
          title: "The buy wall",
          hook: "",
          reason: "buys 16× baseline, market cap +20 % in 20 s",
          score: 81,
          tags: ["market"],
        },
      ],
    };
    const server = await startFakeGroq(() => ({ json: completion(JSON.stringify(answer)) }));
    try {
      const out = await createGroqDetector({ apiKey: "gsk_test", baseURL: server.baseURL, model: "m" }).detect(
        withActivity,
      );
      expect(out.map((c) => c.reason)).toEqual(["buys 16× baseline, market cap +20 % in 20 s"]);
      const body = JSON.parse(server.requests[0].body.toString("utf8"));
      const user = body.messages.find((m: { role: string }) => m.role === "user").content as string;
      expect(user).toContain("Coin activity (pump.fun):\nBaseline over the session's last minutes: 0.36 trades/s");
      expect(user).toMatch(
        /\n145–150 s: 16 trades \(16 buys, \d+(\.\d)?× baseline\), net \+12\.00 SOL, market cap \+\d+\.\d %/,
      );
      expect(body.messages[0].content).toContain("buys 6× baseline, market cap +18 % in 20 s");
    } finally {
      await server.close();
    }
  });
});
