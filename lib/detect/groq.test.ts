import { describe, expect, it } from "vitest";
import { startFakeGroq } from "@/test/fixtures/fake-groq";
import { createGroqDetector } from "./groq";
import type { TDetectInput } from "./types";

const input: TDetectInput = {
  window: { start: 100, end: 160 },
  context: "The streamer has been trying the hard route for an hour.",
  settings: { minClipSeconds: 5, maxClipSeconds: 20, minScore: 50, keywords: ["gg"] },
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
        { start: 133.5, end: 142, title: "No way!", hook: "He did not expect that", reason: "shout, +15 LU, 'oh my god'", score: 88.4, tags: ["hype"] },
        { start: 150, end: 190, title: "Too long, past the window", hook: "", reason: "long", score: 70, tags: [] },
        { start: 110, end: 112, title: "Too short", hook: "", reason: "short", score: 60, tags: [] },
        { start: 121, end: 128, title: "Meh", hook: "", reason: "weak", score: 20, tags: [] },
      ],
    };
    const server = await startFakeGroq(() => ({ json: completion(JSON.stringify(answer)) }));
    try {
      const out = await createGroqDetector({ apiKey: "gsk_test", baseURL: server.baseURL, model: "openai/gpt-oss-120b" }).detect(input);
      expect(out).toEqual([
        { start: 133.5, end: 142, title: "No way!", hook: "He did not expect that", reason: "shout, +15 LU, 'oh my god'", score: 88, tags: ["hype"], engine: "groq", excerpt: "oh my god no way" },
        { start: 150, end: 160, title: "Too long, past the window", hook: "", reason: "long", score: 70, tags: [], engine: "groq", excerpt: "" },
        { start: 108.5, end: 113.5, title: "Too short", hook: "", reason: "short", score: 60, tags: [], engine: "groq", excerpt: "" },
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
    } finally {
      await server.close();
    }
  });

  it.each([
    ["malformed JSON", '{"highlights": [ {"start": 1, '],
    ["wrong shape", JSON.stringify({ highlights: [{ start: "soon", end: 140, title: "x", hook: "", reason: "r", score: 50, tags: [] }] })],
    ["missing list", JSON.stringify({ clips: [] })],
    ["empty content", ""],
  ])("rejects %s", async (_name, content) => {
    const server = await startFakeGroq(() => ({ json: completion(content) }));
    try {
      await expect(createGroqDetector({ apiKey: "k", baseURL: server.baseURL }).detect(input)).rejects.toThrow(/Groq detector: /);
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
