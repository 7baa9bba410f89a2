import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectSilences, makeSampleStream, extractAudio, probeMedia } from "@/lib/media";
import { parseMultipart, startFakeGroq } from "@/test/fixtures/fake-groq";
import { chooseSplitPoints, createGroqTranscriber } from "./groq";

let dir: string;
let wav: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "clipstream-groq-test-"));
  const sample = path.join(dir, "s.ts");
  await makeSampleStream({ out: sample, seconds: 10, excitedAt: 2 });
  wav = path.join(dir, "a.wav");
  await extractAudio(sample, wav, { sampleRate: 16000 });
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A verbose_json answer as Groq sends it (fields we do not use included). */
const VERBOSE = {
  task: "transcribe",
  language: "English",
  duration: 10.0,
  text: " Oh my god! No way.",
  words: [
    { word: "Oh", start: 2.1, end: 2.3 },
    { word: "my", start: 2.3, end: 2.45 },
    { word: "god!", start: 2.45, end: 2.9 },
    { word: "No", start: 3.2, end: 3.4 },
    { word: "way.", start: 3.4, end: 3.8 },
  ],
  segments: [
    {
      id: 0,
      seek: 0,
      start: 2.1,
      end: 3.8,
      text: " Oh my god! No way.",
      tokens: [50365, 876],
      temperature: 0,
      avg_logprob: -0.21,
      compression_ratio: 0.9,
      no_speech_prob: 0.01,
    },
  ],
  x_groq: { id: "req_01abc" },
};

describe("Groq transcriber (wire contract)", () => {
  it("uploads 16 kHz mono FLAC with verbose_json word+segment timestamps and maps words to stream time", async () => {
    const server = await startFakeGroq(() => ({ json: VERBOSE }));
    try {
      const t = await createGroqTranscriber({
        apiKey: "gsk_test",
        baseURL: server.baseURL,
        model: "whisper-large-v3-turbo",
      }).transcribe(wav, { offset: 600, keywords: ["no way"] });
      expect(t).toEqual({
        engine: "groq",
        model: "whisper-large-v3-turbo",
        language: "en",
        text: "Oh my god! No way.",
        words: [
          { w: "Oh", s: 602.1, e: 602.3 },
          { w: "my", s: 602.3, e: 602.45 },
          { w: "god!", s: 602.45, e: 602.9 },
          { w: "No", s: 603.2, e: 603.4 },
          { w: "way.", s: 603.4, e: 603.8 },
        ],
      });
      expect(server.requests).toHaveLength(1);
      const req = server.requests[0];
      expect(req.method).toBe("POST");
      expect(req.url).toBe("/openai/v1/audio/transcriptions");
      expect(req.headers.authorization).toBe("Bearer gsk_test");
      const form = await parseMultipart(req);
      expect(form.get("model")).toBe("whisper-large-v3-turbo");
      expect(form.get("response_format")).toBe("verbose_json");
      expect(form.getAll("timestamp_granularities[]")).toEqual(["word", "segment"]);
      expect(form.get("prompt")).toBe("no way");
      const file = form.get("file") as File;
      const bytes = Buffer.from(await file.arrayBuffer());
      expect(bytes.subarray(0, 4).toString("ascii")).toBe("fLaC");
      // STREAMINFO: sample rate (20 bits) and channels-1 (3 bits) at byte 18 of the file.
      const sr = (bytes[18] << 12) | (bytes[19] << 4) | (bytes[20] >> 4);
      const channels = ((bytes[20] >> 1) & 0x7) + 1;
      expect([sr, channels]).toEqual([16000, 1]);
    } finally {
      await server.close();
    }
  });

  it("rejects an answer that is not a transcription", async () => {
    const server = await startFakeGroq(() => ({ json: { words: "nope" } }));
    try {
      await expect(createGroqTranscriber({ apiKey: "k", baseURL: server.baseURL }).transcribe(wav)).rejects.toThrow(
        /unexpected answer/,
      );
    } finally {
      await server.close();
    }
  });

  it("surfaces API errors (after the SDK's own retries) without the provider's text", async () => {
    const server = await startFakeGroq(() => ({
      status: 401,
      json: { error: { message: "Invalid API Key", type: "invalid_request_error", code: "invalid_api_key" } },
    }));
    try {
      await expect(createGroqTranscriber({ apiKey: "bad", baseURL: server.baseURL }).transcribe(wav)).rejects.toThrow(
        "Groq transcription: the provider refused this server's credentials (HTTP 401).",
      );
      expect(server.requests).toHaveLength(1); // 4xx is not retried
    } finally {
      await server.close();
    }
  });

  it("retries 429 honouring retry-after, then maps the answer", async () => {
    const server = await startFakeGroq((req) =>
      server.requests.indexOf(req) === 0
        ? {
            status: 429,
            headers: { "retry-after": "1" },
            json: {
              error: {
                message: "Rate limit reached for model `whisper-large-v3-turbo`",
                type: "audio_seconds",
                code: "rate_limit_exceeded",
              },
            },
          }
        : { json: VERBOSE },
    );
    try {
      const t = await createGroqTranscriber({ apiKey: "k", baseURL: server.baseURL }).transcribe(wav);
      expect(t.words.map((w) => w.w)).toEqual(["Oh", "my", "god!", "No", "way."]);
      expect(server.requests).toHaveLength(2);
      expect(server.requests.every((r) => r.url === "/openai/v1/audio/transcriptions")).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("retries 500 and fails after maxRetries with the status, not the provider's text", async () => {
    const server = await startFakeGroq(() => ({
      status: 500,
      json: { error: { message: "Internal Server Error", type: "internal_server_error" } },
    }));
    try {
      await expect(
        createGroqTranscriber({ apiKey: "k", baseURL: server.baseURL, maxRetries: 1 }).transcribe(wav),
      ).rejects.toThrow("Groq transcription: the provider failed (HTTP 500).");
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it("rejects a malformed JSON body", async () => {
    const server = await startFakeGroq(() => ({ raw: '{"text": "Oh my' }));
    try {
      await expect(
        createGroqTranscriber({ apiKey: "k", baseURL: server.baseURL, maxRetries: 0 }).transcribe(wav),
      ).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it("times out a hanging upload", async () => {
    const server = await startFakeGroq(() => ({ json: VERBOSE, delayMs: 5_000 }));
    try {
      await expect(
        createGroqTranscriber({ apiKey: "k", baseURL: server.baseURL, maxRetries: 0, timeoutMs: 300 }).transcribe(wav),
      ).rejects.toThrow("Groq transcription: the provider timed out.");
    } finally {
      await server.close();
    }
  });

  it("splits audio over the upload limit on silences and stitches the times back into stream time", async () => {
    // Each chunk answers with one word 0.5 s into the chunk.
    const server = await startFakeGroq((req) => {
      const k = server.requests.indexOf(req);
      return {
        json: { ...VERBOSE, text: `part${k}`, words: [{ word: `part${k}`, start: 0.5, end: 0.9 }], segments: [] },
      };
    });
    try {
      const t = await createGroqTranscriber({
        apiKey: "k",
        baseURL: server.baseURL,
        maxUploadBytes: 100_000,
      }).transcribe(wav, { offset: 100 });
      const n = server.requests.length;
      expect(n).toBeGreaterThanOrEqual(2);
      expect(t.words.map((w) => w.w)).toEqual(Array.from({ length: n }, (_, k) => `part${k}`));
      expect(t.text).toBe(t.words.map((w) => w.w).join(" "));
      expect(t.words[0].s).toBe(100.5);
      const silences = await detectSilences(wav);
      const { duration } = await probeMedia(wav);
      for (const [k, w] of t.words.entries()) {
        if (k === 0) continue;
        const cut = Math.round((w.s - 100.5) * 1000) / 1000;
        expect(cut).toBeGreaterThan(t.words[k - 1].s - 100.5);
        // Every cut is in a pause (or, with none near, at the even split) — never through a word.
        const inPause = silences.some((p) => p.start <= cut && cut <= p.end);
        expect(inPause || Math.abs(cut - (k * duration) / n) < 0.01).toBe(true);
      }
      for (const req of server.requests) {
        const file = (await parseMultipart(req)).get("file") as File;
        expect(file.size).toBeLessThanOrEqual(100_000);
      }
    } finally {
      await server.close();
    }
  });
});

describe("chooseSplitPoints", () => {
  it.each([
    ["even split when there are no pauses", 30, 3, [], [10, 20]],
    [
      "moves to the nearest pause middle",
      30,
      2,
      [
        { start: 13, end: 14 },
        { start: 16, end: 16.4 },
      ],
      [16.2],
    ],
    ["ignores pauses too far from the even split", 40, 2, [{ start: 5, end: 6 }], [20]],
  ])("%s", (_n, duration, parts, silences, want) => {
    expect(chooseSplitPoints(duration, parts, silences)).toEqual(want);
  });
});
