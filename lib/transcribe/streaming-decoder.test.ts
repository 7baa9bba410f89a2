/**
 * Long-lived decoders (POCKETSPHINX_DECODERS=streaming) on the real Debian pocketsphinx_continuous: pieces of
 * espeak-ng speech decoded one after another by one process give the words a process of their own gives, on
 * the piece's own clock; silence gives nothing and does not hang; the pool serves parallel calls and keyword
 * spotting.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "streaming-decoder-"));
let mod: typeof import("./streaming-decoder");
let pool: typeof import("./decoder-pool");
let sphinx: typeof import("./pocketsphinx");
let wav: typeof import("@/lib/media/wav");
let env: (typeof import("@/lib/env"))["env"];

/**
 * 5-s chunk files of a generated stream's 16 kHz audio (espeak-ng speech; the excited passage, "oh my god no
 * way … let's go", from 6 s), as live chunks are.
 */
async function chunks(): Promise<string[]> {
  const { makeSampleStream } = await import("@/lib/media/sample-stream");
  const mp4 = path.join(tmp, "sample.mp4");
  await makeSampleStream({ out: mp4, seconds: 20, excitedAt: 6 });
  const all = path.join(tmp, "all.wav");
  execFileSync("ffmpeg", ["-v", "error", "-y", "-i", mp4, "-vn", "-ac", "1", "-ar", "16000", all]);
  const pcm = wav.pcmData(fs.readFileSync(all));
  return [0, 1, 2, 3].map((i) => {
    const file = path.join(tmp, `chunk-${i}.wav`);
    fs.writeFileSync(file, wav.wavFile(pcm.subarray(i * 5 * 32000, (i + 1) * 5 * 32000)));
    return file;
  });
}

const pcmOf = (file: string) => wav.pcmData(fs.readFileSync(file));

beforeAll(async () => {
  mod = await import("./streaming-decoder");
  pool = await import("./decoder-pool");
  sphinx = await import("./pocketsphinx");
  wav = await import("@/lib/media/wav");
  ({ env } = await import("@/lib/env"));
});

afterAll(() => {
  pool.stopDecoderPool();
  env.POCKETSPHINX_DECODERS = "per-file";
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("a long-lived decoder", () => {
  it("finds that this system shows a process waiting on a pipe (else chunks are decoded per file)", async () => {
    expect(await mod.streamingSupported()).toBe(true);
  });

  it("decodes piece after piece on each piece's clock, as a process of its own would, and passes silence", async () => {
    const [first, second, third] = await chunks();
    const silent = path.join(tmp, "silent.wav");
    fs.writeFileSync(silent, wav.wavFile(Buffer.alloc(16000 * 2 * 3)));
    const alone = async (file: string) =>
      (await sphinx.createPocketsphinxTranscriber({ concurrency: 1 }).transcribe(file)).words;

    const d = await mod.StreamingDecoder.start(env.POCKETSPHINX_PATH, []);
    try {
      const a = await d.decode(pcmOf(first));
      expect(a.base).toBe(0);
      // A fresh decoder is in the state a process of its own starts in: the same words at the same times.
      expect(sphinx.parsePocketsphinxWords(a.stdout, -a.base)).toEqual(await alone(first));

      const quiet = await d.decode(pcmOf(silent));
      expect(quiet.base).toBeGreaterThanOrEqual(5);
      expect(sphinx.parsePocketsphinxWords(quiet.stdout, -quiet.base)).toEqual([]);

      // Later pieces: their words, timed inside the piece (each is 5 s).
      for (const file of [second, third]) {
        const r = await d.decode(pcmOf(file));
        expect(r.base).toBeGreaterThan(quiet.base);
        const words = sphinx.parsePocketsphinxWords(r.stdout, -r.base);
        expect(words.length).toBeGreaterThan(3);
        expect(words.every((w) => w.s >= -0.2 && w.s < 5 && w.e <= 6)).toBe(true);
      }
    } finally {
      d.stop();
    }
    expect(d.alive).toBe(false);
  });
});

describe("the decoder pool (POCKETSPHINX_DECODERS=streaming)", () => {
  it("serves parallel transcriptions and keyword spotting with each file's own times", async () => {
    const files = await chunks();
    const phrases = ["oh my god", "no way"];
    const perFile = await sphinx.spotKeywordsPocketsphinx(files[1], phrases);
    expect(perFile.map((h) => h.phrase)).toEqual(expect.arrayContaining(phrases));

    env.POCKETSPHINX_DECODERS = "streaming";
    const transcriber = sphinx.createPocketsphinxTranscriber({ concurrency: 1 });
    const results = await Promise.all(files.map((f, i) => transcriber.transcribe(f, { offset: i * 5 })));
    for (const [i, r] of results.entries()) {
      expect(r.words.length).toBeGreaterThan(3);
      expect(r.words.every((w) => w.s >= i * 5 && w.e <= (i + 1) * 5)).toBe(true);
    }
    // Keyword spotting by a pooled decoder finds the phrases where a process of its own does.
    const hits = await sphinx.spotKeywordsPocketsphinx(files[1], phrases);
    for (const h of perFile) {
      expect(hits.some((x) => x.phrase === h.phrase && Math.abs(x.t - h.t) <= 0.1)).toBe(true);
    }
  });
});
