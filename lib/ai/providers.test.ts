import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { helloThereTranscription, parseMultipart, startFakeGroq } from "@/test/fixtures/fake-groq";
import type { TDetectInput } from "@/lib/detect";

/**
 * Any OpenAI-compatible server (Ollama, vLLM, LM Studio, a local Whisper server) for detection, summaries and
 * transcription, configured apart from Groq (LLM_* and WHISPER_*), through the real `openai` client against a
 * local server speaking that wire format (paths under the configured base URL, JSON and multipart bodies).
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "providers-"));
let wav: string;
let server: Awaited<ReturnType<typeof startFakeGroq>>;
let answer: (url: string) => unknown;

const input: TDetectInput = {
  window: { start: 100, end: 160 },
  settings: { minClipSeconds: 5, maxClipSeconds: 20, minScore: 50, keywords: [] },
  signals: {
    words: [
      { w: "oh", s: 135.0, e: 135.2 },
      { w: "no", s: 135.9, e: 136.0 },
      { w: "way", s: 136.0, e: 136.4 },
    ],
    loudness: [
      { t: 120, lufs: -28 },
      { t: 135.5, lufs: -13 },
    ],
    silences: [],
    keywordHits: [],
  },
};
const highlight = { start: 133, end: 142, title: "No way", hook: "h", reason: "shout", score: 90, tags: [] };
const completion = (content: string) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "llama3.1:8b",
  choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
});

beforeAll(async () => {
  const { runTool } = await import("@/lib/media/run");
  wav = path.join(tmp, "a.wav");
  await runTool("ffmpeg", [
    "-loglevel",
    "error",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=300:sample_rate=16000:duration=2",
    "-ac",
    "1",
    wav,
  ]);
  server = await startFakeGroq((req) => ({ json: answer(req.url) }));
});
afterAll(async () => {
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
  server.requests.length = 0;
});

/** Fresh modules under `vars` (lib/env reads the environment once, at import). */
async function withEnv(vars: Record<string, string>) {
  for (const [k, v] of Object.entries({ GROQ_API_KEY: "", LLM_API_KEY: "", WHISPER_API_KEY: "", ...vars }))
    vi.stubEnv(k, v);
  vi.resetModules();
  return {
    detect: await import("@/lib/detect"),
    transcribe: await import("@/lib/transcribe"),
    summarize: await import("@/lib/detect/summarize"),
  };
}

describe("a self-hosted chat model (LLM_BASE_URL)", () => {
  it("detects with the highlights' JSON schema, and the clip names the engine and model", async () => {
    answer = () => completion(JSON.stringify({ highlights: [highlight] }));
    const m = await withEnv({ LLM_BASE_URL: `${server.baseURL}/v1`, LLM_MODEL: "llama3.1:8b", GROQ_API_KEY: "gsk" });
    const out = await m.detect.getDetector().detect(input);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ engine: "openai", model: "llama3.1:8b", title: "No way", score: 90 });
    // The self-hosted server wins over Groq's key, at its own paths, without a key of its own.
    expect(server.requests.map((r) => r.url)).toEqual(["/v1/chat/completions"]);
    const req = server.requests[0];
    expect(req.headers.authorization).toBe("Bearer not-needed");
    const body = JSON.parse(req.body.toString());
    expect(body.model).toBe("llama3.1:8b");
    expect(body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "highlights", strict: true },
    });
  });

  it("asks servers that only do JSON mode for the shape in the prompt (LLM_JSON_MODE=json_object), with its key", async () => {
    answer = () => completion(JSON.stringify({ highlights: [highlight] }));
    const m = await withEnv({
      LLM_BASE_URL: `${server.baseURL}/v1`,
      LLM_MODEL: "qwen2.5",
      LLM_JSON_MODE: "json_object",
      LLM_API_KEY: "sk-local",
    });
    expect(await m.detect.getDetector().detect(input)).toMatchObject([{ engine: "openai", model: "qwen2.5" }]);
    const body = JSON.parse(server.requests[0].body.toString());
    expect(body.response_format).toEqual({ type: "json_object" });
    expect(body.messages[0].content).toContain('{"highlights":[{"start":number');
    expect(server.requests[0].headers.authorization).toBe("Bearer sk-local");
  });

  it("refuses an answer that is not the schema, naming the server", async () => {
    answer = () => completion(JSON.stringify({ highlights: [{ start: "soon" }] }));
    const m = await withEnv({ LLM_BASE_URL: `${server.baseURL}/v1`, LLM_MODEL: "llama3.1:8b" });
    await expect(m.detect.getDetector().detect(input)).rejects.toThrow(
      `127.0.0.1:${new URL(server.baseURL).port} detector: answer does not match the schema`,
    );
  });

  it("writes the segment summaries", async () => {
    answer = () => completion("The streamer wins the boss fight.");
    const m = await withEnv({ LLM_BASE_URL: `${server.baseURL}/v1`, LLM_MODEL: "llama3.1:8b" });
    const line = await m.summarize.summarizeSegmentText({
      number: 2,
      start: 60,
      end: 120,
      text: "we did it",
      clipTitles: [],
    });
    expect(line).toBe("#2 1:00–2:00: The streamer wins the boss fight.");
    expect(JSON.parse(server.requests[0].body.toString()).model).toBe("llama3.1:8b");
  });

  it("needs LLM_MODEL: the process does not start without it", async () => {
    vi.stubEnv("LLM_BASE_URL", "http://127.0.0.1:11434/v1");
    vi.stubEnv("LLM_MODEL", "");
    vi.resetModules();
    await expect(import("@/lib/env")).rejects.toThrow("LLM_MODEL: required with LLM_BASE_URL");
  });
});

describe("a self-hosted Whisper server (WHISPER_BASE_URL)", () => {
  it("transcribes with word timings through /audio/transcriptions, named as the engine and model", async () => {
    answer = () => helloThereTranscription();
    const m = await withEnv({
      WHISPER_BASE_URL: `${server.baseURL}/v1`,
      WHISPER_MODEL: "Systran/faster-whisper-small",
    });
    expect(m.transcribe.transcriberIdentity()).toEqual({ engine: "openai", model: "Systran/faster-whisper-small" });
    const t = await m.transcribe.getTranscriber().transcribe(wav, { offset: 10 });
    expect(t).toMatchObject({
      engine: "openai",
      model: "Systran/faster-whisper-small",
      words: [
        { w: "Hello", s: 10.5, e: 10.9 },
        { w: "there.", s: 10.9, e: 11.3 },
      ],
    });
    expect(server.requests.map((r) => r.url)).toEqual(["/v1/audio/transcriptions"]);
    const form = await parseMultipart(server.requests[0]);
    expect(form.get("model")).toBe("Systran/faster-whisper-small");
    expect(form.get("response_format")).toBe("verbose_json");
    expect(form.getAll("timestamp_granularities[]")).toEqual(["word", "segment"]);
  });
});
