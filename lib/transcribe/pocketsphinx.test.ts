import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transcriptQuality } from "@/bench/lib/wer";
import { extractAudio, makeSampleStream, runTool } from "@/lib/media";
import type { TSampleStream } from "@/lib/media";
import { KEYWORDS } from "@/test/fixtures/stream-signals";
import { createPocketsphinxTranscriber, spotKeywords } from "./index";
import { FAST_SEARCH, keyphraseDictionary, planCuts, POCKETSPHINX_DICT, prepareKeyphrases } from "./pocketsphinx";
import { writeWavSlice } from "@/lib/media/wav";
import { env } from "@/lib/env";

let dir: string;
let wav: string;
let info: TSampleStream;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "clipstream-sphinx-test-"));
  const sample = path.join(dir, "sample.ts");
  info = await makeSampleStream({ out: sample, seconds: 50, excitedAt: 30 });
  wav = path.join(dir, "audio.wav");
  await extractAudio(sample, wav, { sampleRate: 16000 });
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("pocketsphinx transcriber", () => {
  it("transcribes in parallel chunks with monotonic, plausible word times in stream time", async () => {
    const offset = 1000;
    // Small chunks so this 50 s file is decoded as several chunks stitched together.
    const t = await createPocketsphinxTranscriber({ chunkSeconds: { min: 15, target: 20, max: 25 } }).transcribe(wav, {
      offset,
    });
    expect(t.engine).toBe("pocketsphinx");
    expect(t.words.length).toBeGreaterThan(60);
    expect(t.text.split(" ").length).toBe(t.words.length);
    for (const [i, w] of t.words.entries()) {
      expect(w.w).toMatch(/^[a-z'.-]+$/); // no <s>, <sil>, [NOISE], no "(2)"
      expect(w.e).toBeGreaterThan(w.s);
      expect(w.e - w.s).toBeLessThan(2.5);
      expect(w.s).toBeGreaterThanOrEqual(offset);
      expect(w.e).toBeLessThanOrEqual(offset + 50.1);
      if (i > 0) expect(w.s).toBeGreaterThanOrEqual(t.words[i - 1].e - 0.001);
    }
    // Speech starts at 0.5 s and the excited passage says "oh my god … no way …".
    expect(t.words[0].s - offset).toBeLessThan(2);
    const excited = t.words
      .filter((w) => w.s >= offset + info.excitedStart - 0.5 && w.e <= offset + info.excitedEnd + 0.5)
      .map((w) => w.w);
    expect(excited.join(" ")).toMatch(/\b(god|way|go|insane|huge)\b/);
    // Against the sample's script: words are recognised, and the ones recognised right lie inside the
    // sentence that says them, in every chunk (a wrong chunk offset would move a whole chunk's words).
    const q = transcriptQuality(
      info.script,
      t.words.map((w) => ({ ...w, s: w.s - offset, e: w.e - offset })),
    );
    expect(q.correct).toBeGreaterThan(q.refWords / 2);
    expect(q.timedInLine).toBe(1);
  });

  it("skips re-encoding a 16 kHz mono WAV and cuts it at the same times as any other input", async () => {
    const small = { chunkSeconds: { min: 15, target: 20, max: 25 }, concurrency: 1 };
    const mp3 = path.join(dir, "audio.mp3");
    await runTool("ffmpeg", ["-v", "error", "-y", "-i", wav, "-c:a", "libmp3lame", "-b:a", "128k", mp3]);
    const [a, b] = await Promise.all([
      createPocketsphinxTranscriber(small).transcribe(wav),
      createPocketsphinxTranscriber(small).transcribe(mp3),
    ]);
    expect(a.words.length).toBeGreaterThan(60);
    // Same chunking and decoder: the mp3 round trip changes the audio a little, not the timeline.
    const qa = transcriptQuality(info.script, a.words);
    const qb = transcriptQuality(info.script, b.words);
    expect(qa.timedInLine).toBe(1);
    expect(qb.timedInLine).toBe(1);
  });

  it("spots excitement keywords near the excited passage", async () => {
    const hits = await spotKeywords(wav, [...KEYWORDS, "zorblaxian quux", "GG!!", ""]);
    const near = hits.filter((h) => h.t >= info.excitedStart - 1 && h.t <= info.excitedEnd + 1);
    const phrases = new Set(near.map((h) => h.phrase));
    expect(near.length).toBeGreaterThanOrEqual(2);
    expect([...phrases].some((p) => ["oh my god", "no way", "lets go", "insane"].includes(p))).toBe(true);
    for (const h of hits) expect(KEYWORDS).toContain(h.phrase);
    // The multi-word phrases are not heard in the calm speech.
    const strong = hits.filter((h) => ["oh my god", "no way", "insane"].includes(h.phrase));
    for (const h of strong) expect(h.t).toBeGreaterThanOrEqual(info.excitedStart - 1);
  });

  it("spots with a dictionary of the keyphrases' words only, finding what the whole dictionary finds", async () => {
    const dict = await keyphraseDictionary(["oh my god", "lets go", "live"]);
    expect(
      dict
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(expect.arrayContaining(["god", "go", "lets", "my", "oh"]));
    // Every pronunciation of a word is kept (the decoder picks among them).
    expect(dict).toMatch(/^live\(2\) L IH V$/m);
    expect(
      dict
        .split("\n")
        .filter(Boolean)
        .every((l) => /^(god|go|lets|my|oh|live)(\(\d+\))? /.test(l)),
    ).toBe(true);

    // One ~30-s stretch with the excited passage, spotted in one run either way.
    const slice = path.join(dir, "slice.wav");
    await writeWavSlice(wav, slice, info.excitedStart - 10, info.excitedStart + 18);
    const prepared = await prepareKeyphrases(KEYWORDS);
    const list = path.join(dir, "kws.txt");
    await fs.writeFile(list, prepared.map((p) => p.line).join("\n") + "\n");
    const { stdout } = await runTool("pocketsphinx_continuous", [
      "-kws",
      list,
      "-dict",
      POCKETSPHINX_DICT,
      "-infile",
      slice,
      "-time",
      "yes",
      "-logfn",
      "/dev/null",
    ]);
    const byKey = new Map(prepared.map((p) => [p.key, p.phrase]));
    const whole = stdout
      .split("\n")
      .map((l) => /^(.+?)\s+(\d+(?:\.\d+)?)\s+\d+(?:\.\d+)?\s+\d+(?:\.\d+)?\s*$/.exec(l.trim()))
      .filter((m) => m && byKey.has(m[1].trim()))
      .map((m) => ({ phrase: byKey.get(m![1].trim())!, t: Number(m![2]) }));
    // A fresh process each, as `whole` was: a pooled decoder that heard other audio first can place a hit
    // one 10-ms frame apart (streaming-decoder.test.ts covers the pool).
    const decoders = env.POCKETSPHINX_DECODERS;
    env.POCKETSPHINX_DECODERS = "per-file";
    const small = await spotKeywords(slice, KEYWORDS).finally(() => (env.POCKETSPHINX_DECODERS = decoders));
    expect(whole.length).toBeGreaterThanOrEqual(2);
    expect(small.map((h) => [h.phrase, h.t]).sort()).toEqual(whole.map((h) => [h.phrase, h.t]).sort());
  });

  it("decodes a call asking for the fast search with the fast search's flags", async () => {
    const slice = path.join(dir, "fast.wav");
    await writeWavSlice(wav, slice, info.excitedStart - 2, info.excitedStart + 6);
    const decoders = env.POCKETSPHINX_DECODERS;
    env.POCKETSPHINX_DECODERS = "per-file"; // fresh processes: the same flags give the same words
    try {
      const asked = await createPocketsphinxTranscriber().transcribe(slice, { search: "fast" });
      const fast = await createPocketsphinxTranscriber({ search: FAST_SEARCH }).transcribe(slice);
      expect(asked.words.length).toBeGreaterThan(3);
      expect(asked.words).toEqual(fast.words);
    } finally {
      env.POCKETSPHINX_DECODERS = decoders;
    }
  });

  it("drops phrases with words outside the dictionary instead of failing", async () => {
    expect(await spotKeywords(wav, ["zorblaxian quux", "qwxzt"])).toEqual([]);
    const prepared = await prepareKeyphrases(["Let’s GO!", "lets go", "zorblaxian", "no way"]);
    expect(prepared.map((p) => p.key)).toEqual(["let's go", "lets go", "no way"]);
    expect(prepared[0].phrase).toBe("Let’s GO!"); // hits are reported under the caller's spelling
    expect(prepared[0].line).toMatch(/^let's go \/1e-\d+\/$/);
  });

  it("plans chunk cuts at silences within the limits", () => {
    const silences = [
      { start: 9, end: 10 },
      { start: 24, end: 25 },
      { start: 31, end: 32 },
      { start: 70, end: 71 },
    ];
    const cuts = planCuts(150, silences, { min: 20, target: 30, max: 40 });
    // Closest to 30 s after the previous cut, within [20, 40]; a hard cut at the target where no silence is.
    expect(cuts).toEqual([31.5, 70.5, 100.5, 130.5]);
    expect(planCuts(40, silences)).toEqual([]);
  });
});
