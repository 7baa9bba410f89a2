import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pLimit from "p-limit";
import { env } from "@/lib/env";
import { detectSilences, extractAudio } from "@/lib/media";
import { runTool } from "@/lib/media/run";
import { isSpeechWav, pcmData, SPEECH_RATE, wavFile } from "@/lib/media/wav";
import { decodePooled } from "./decoder-pool";
import { streamingSupported } from "./streaming-decoder";
import type { TKeywordHit, TTranscribeOptions, TTranscript, Transcriber, TWord } from "./types";

/**
 * Offline speech recognition with Debian's PocketSphinx 0.8+5prealpha (`pocketsphinx_continuous`).
 * Long audio is cut at silences into ~30 s chunks that are decoded in parallel (one process per core),
 * which is several times faster than one process on a whole segment and loses nothing at the cuts.
 */

export const POCKETSPHINX_DICT = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";
const RATE = SPEECH_RATE;

export type TChunkOptions = {
  /** Parallel decoder processes; defaults to the number of cores. */
  concurrency?: number;
  /** Chunks aim at this length and cut at a silence within [min, max] of it. */
  chunkSeconds?: { min: number; target: number; max: number };
  /** Search flags for transcription (not keyword spotting); defaults to POCKETSPHINX_SEARCH's. */
  search?: string[];
  /**
   * Keyword spotting on every other frame's acoustic scores (`-ds 2`): about half the CPU (0.8 → 0.47 CPU-s
   * on 30 s of speech), at the cost of some hits (9 of 11 there). For a live stream far behind live (a cheap
   * chunk, lib/pipeline/live-backpressure.ts), where the alternative is no signal in time.
   */
  roughKeywords?: boolean;
};

/**
 * Transcription search flags: no second (flat-lexicon) pass and tighter pruning (at most 3000 active HMMs and
 * 10 word exits per frame). Measured on the 60 s espeak-ng sample (`npm run bench -- transcription`, 2 shared
 * cores): ≈ 0.19–0.25 decoder CPU-seconds per audio second instead of 0.39–0.43 with the defaults, word error
 * rate 0.38 vs 0.39. `-ds 2` and `-bestpath no` were faster still but cost 5–11 points of word error rate.
 * Not the default: the overall rate hides that the shouted passage, the moment users search for and caption,
 * comes out worse ("oh my god no way … let's go let's go" became "oh i thought that way … let's hope that
 * slope"). Opt in with POCKETSPHINX_SEARCH=fast.
 */
export const FAST_SEARCH = ["-fwdflat", "no", "-maxhmmpf", "3000", "-maxwpf", "10"];
export const ACCURATE_SEARCH: string[] = [];
const searchFlags = () => (env.POCKETSPHINX_SEARCH === "fast" ? FAST_SEARCH : ACCURATE_SEARCH);
const DEFAULT_CHUNKS = { min: 20, target: 30, max: 40 };

type TChunk = { file: string; start: number };

/** `welcome 0.470 0.970 0.698345` (word, start, end, posterior); the hypothesis lines have no numbers. */
const WORD_LINE = /^(\S+)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s*$/;
/** `oh my god  34.980 35.550 0.917677` in keyword-spotting mode (the phrase may contain spaces). */
const KWS_LINE = /^(.+?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s*$/;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Fillers and markers the decoder emits: <s>, </s>, <sil>, [NOISE], [SPEECH], ++GARBAGE++ … */
function isFiller(word: string) {
  return /^(<.*>|\[.*\]|\+\+.*\+\+)$/.test(word);
}

export function parsePocketsphinxWords(stdout: string, offset = 0): TWord[] {
  const words: TWord[] = [];
  for (const line of stdout.split("\n")) {
    const m = WORD_LINE.exec(line.trim());
    if (!m || isFiller(m[1])) continue;
    const w = m[1].replace(/\(\d+\)$/, ""); // alternative pronunciations: to(2) → to
    words.push({ w, s: round3(Number(m[2]) + offset), e: round3(Number(m[3]) + offset), c: round3(Number(m[4])) });
  }
  return words;
}

/** Chooses cut points: for each chunk, the silence midpoint in [min, max] closest to target, else a hard cut at target. */
export function planCuts(duration: number, silences: { start: number; end: number }[], c = DEFAULT_CHUNKS): number[] {
  const cuts: number[] = [];
  let from = 0;
  while (duration - from > c.max) {
    const mids = silences.map((s) => (s.start + s.end) / 2).filter((m) => m >= from + c.min && m <= from + c.max);
    const best =
      mids.sort((a, b) => Math.abs(a - (from + c.target)) - Math.abs(b - (from + c.target)))[0] ?? from + c.target;
    cuts.push(round3(best));
    from = best;
  }
  return cuts;
}

/** Normalises to 16 kHz mono s16 (unless it already is) and writes one WAV per chunk into `dir`. */
async function splitIntoChunks(wav: string, dir: string, opts: TChunkOptions): Promise<TChunk[]> {
  let norm = wav;
  let buf = await fs.readFile(wav);
  if (!isSpeechWav(buf)) {
    norm = path.join(dir, "norm.wav");
    await extractAudio(wav, norm, { sampleRate: RATE });
    buf = await fs.readFile(norm);
  }
  const pcm = pcmData(buf);
  const duration = pcm.length / 2 / RATE;
  const limits = opts.chunkSeconds ?? DEFAULT_CHUNKS;
  const cuts = duration > limits.max ? planCuts(duration, await detectSilences(norm, { minSeconds: 0.3 }), limits) : [];
  const bounds = [0, ...cuts, duration];
  const chunks: TChunk[] = [];
  for (let i = 0; i < bounds.length - 1; i++) {
    const a = Math.round(bounds[i] * RATE) * 2;
    const b = Math.round(bounds[i + 1] * RATE) * 2;
    const file = path.join(dir, `chunk-${i}.wav`);
    await fs.writeFile(file, wavFile(pcm.subarray(a, b)));
    chunks.push({ file, start: a / 2 / RATE });
  }
  return chunks;
}

async function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "clipstream-sphinx-"));
  try {
    return await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const decoderArgs = (file: string) => ["-infile", file, "-time", "yes", "-logfn", "/dev/null"];

/**
 * Runs the decoder with `flags` on one chunk file: a process of its own, or (POCKETSPHINX_DECODERS=streaming)
 * a pooled long-lived one (decoder-pool.ts). Returns its output and the shift that puts its times on the file.
 */
async function decodeChunk(flags: string[], file: string): Promise<{ stdout: string; shift: number; seconds: number }> {
  const pcm = pcmData(await fs.readFile(file));
  const seconds = pcm.length / 2 / RATE;
  if (env.POCKETSPHINX_DECODERS === "streaming" && (await streamingSupported())) {
    try {
      const r = await decodePooled(env.POCKETSPHINX_PATH, flags, pcm);
      return { stdout: r.stdout, shift: -r.base, seconds };
    } catch (e) {
      // A decoder that crashed or hung: this chunk gets a process of its own, the next call a new decoder.
      console.warn(`[transcribe] pooled decoder failed (${(e as Error).message}); decoding the chunk on its own`);
    }
  }
  const { stdout } = await runTool(env.POCKETSPHINX_PATH, [...flags, ...decoderArgs(file)]);
  return { stdout, shift: 0, seconds };
}

export function createPocketsphinxTranscriber(opts: TChunkOptions = {}): Transcriber {
  return {
    async transcribe(wav: string, topts: TTranscribeOptions = {}): Promise<TTranscript> {
      const offset = topts.offset ?? 0;
      const words = await withTmp(async (dir) => {
        const chunks = await splitIntoChunks(wav, dir, opts);
        const perChunk = await pLimit(Math.max(1, opts.concurrency ?? os.cpus().length)).map(chunks, async (c) => {
          const flags = topts.search === "fast" ? FAST_SEARCH : (opts.search ?? searchFlags());
          const { stdout, shift, seconds } = await decodeChunk(flags, c.file);
          // A pooled decoder's utterance may begin in the silence before the chunk (up to its 0.2-s pre-speech
          // window), and a word cut by the chunk's end may be aligned into the silence after it.
          const [start, end] = [c.start + offset, round3(c.start + offset + seconds)];
          return parsePocketsphinxWords(stdout, start + shift)
            .filter((w) => w.s < end)
            .map((w) => ({ ...w, s: Math.max(w.s, start), e: Math.min(w.e, end) }));
        });
        return perChunk.flat().sort((a, b) => a.s - b.s);
      });
      return { engine: "pocketsphinx", model: "en-us", language: "en", text: words.map((w) => w.w).join(" "), words };
    },
  };
}

type TDictionary = {
  /** Word → number of phones of its first pronunciation. */
  phones: Map<string, number>;
  /** Word → its dictionary lines (every pronunciation: `word`, `word(2)` …). */
  lines: Map<string, string[]>;
};

let dictCache: Promise<TDictionary> | null = null;
/** The decoder's dictionary, read once per process. */
function loadDictionary(): Promise<TDictionary> {
  dictCache ??= fs.readFile(POCKETSPHINX_DICT, "utf8").then((text) => {
    const phones = new Map<string, number>();
    const lines = new Map<string, string[]>();
    for (const line of text.split("\n")) {
      const [entry, ...ph] = line.trim().split(/\s+/);
      if (!entry || !ph.length) continue;
      const word = entry.replace(/\(\d+\)$/, "");
      if (word === entry) phones.set(word, ph.length);
      lines.set(word, [...(lines.get(word) ?? []), line.trim()]);
    }
    return { phones, lines };
  });
  return dictCache;
}

/**
 * The dictionary lines of the keyphrases' words only. Keyword spotting needs no other word, and reading the
 * 134,000-entry dictionary was most of a spotting run on a 5-s live chunk (0.26 of 0.42 CPU-s, bench
 * live-concurrency's `live-chunk-cpu`).
 */
export async function keyphraseDictionary(keys: string[]): Promise<string> {
  const { lines } = await loadDictionary();
  const words = [...new Set(keys.flatMap((k) => k.split(" ")))].sort();
  return words.flatMap((w) => lines.get(w) ?? []).join("\n") + "\n";
}

/**
 * Keyword-spotting threshold per phrase: the more phones, the more evidence the decoder accumulates, so long
 * phrases take a permissive threshold and short words a strict one (short words false-alarm constantly).
 * Tuned on espeak-ng speech: 2 phones → 1e-2 … 6+ phones → 1e-10.
 */
export function kwsThreshold(phones: number): string {
  const exp = Math.max(1, Math.min(12, 2 * phones - 2));
  return `1e-${exp}`;
}

/** Maps user phrases onto the decoder's vocabulary; phrases with unknown words are dropped. */
export async function prepareKeyphrases(phrases: string[]): Promise<{ line: string; phrase: string; key: string }[]> {
  const dict = (await loadDictionary()).phones;
  const out = new Map<string, { line: string; phrase: string; key: string }>();
  for (const phrase of phrases) {
    const words = phrase
      .toLowerCase()
      .replace(/[’`]/g, "'")
      .replace(/[^a-z' ]+/g, " ")
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    const mapped = words.map((w) => (dict.has(w) ? w : dict.has(w.replace(/'/g, "")) ? w.replace(/'/g, "") : null));
    if (!mapped.length || mapped.some((w) => w === null)) continue;
    const key = mapped.join(" ");
    if (out.has(key)) continue;
    const phones = mapped.reduce((n, w) => n + dict.get(w!)!, 0);
    out.set(key, { key, phrase, line: `${key} /${kwsThreshold(phones)}/` });
  }
  return [...out.values()];
}

/**
 * The keyphrase list and its dictionary as files named by their content (kept for the process's life: a
 * pooled decoder reads them while it runs, and the same keyword list gives the same flags, hence the same
 * decoder).
 */
async function keyphraseFiles(list: string, prepared: { key: string }[]): Promise<{ list: string; dict: string }> {
  const dict = await keyphraseDictionary(prepared.map((p) => p.key));
  const hash = createHash("sha256").update(list).update(dict).digest("hex").slice(0, 16);
  const dir = path.join(os.tmpdir(), `clipstream-kws-${process.getuid?.() ?? 0}`);
  await fs.mkdir(dir, { recursive: true });
  const files = { list: path.join(dir, `${hash}.txt`), dict: path.join(dir, `${hash}.dict`) };
  const write = async (file: string, text: string) => {
    if ((await fs.readFile(file, "utf8").catch(() => null)) === text) return;
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await fs.writeFile(tmp, text);
    await fs.rename(tmp, file);
  };
  await Promise.all([write(files.list, list), write(files.dict, dict)]);
  return files;
}

/** Finds spoken keyphrases with the decoder's keyword-spotting mode. Times are relative to the file. */
export async function spotKeywordsPocketsphinx(
  wav: string,
  phrases: string[],
  opts: TChunkOptions = {},
): Promise<TKeywordHit[]> {
  const prepared = await prepareKeyphrases(phrases);
  if (!prepared.length) return [];
  const byKey = new Map(prepared.map((p) => [p.key, p.phrase]));
  const files = await keyphraseFiles(prepared.map((p) => p.line).join("\n") + "\n", prepared);
  return withTmp(async (dir) => {
    const chunks = await splitIntoChunks(wav, dir, opts);
    const perChunk = await pLimit(Math.max(1, opts.concurrency ?? os.cpus().length)).map(chunks, async (c) => {
      const flags = ["-kws", files.list, "-dict", files.dict, ...(opts.roughKeywords ? ["-ds", "2"] : [])];
      const { stdout, shift, seconds } = await decodeChunk(flags, c.file);
      const hits: TKeywordHit[] = [];
      for (const line of stdout.split("\n")) {
        const m = KWS_LINE.exec(line.trim());
        const phrase = m && byKey.get(m[1].trim());
        const t = m && Number(m[2]) + shift;
        if (phrase && t !== null && t < seconds) hits.push({ phrase, t: round3(t + c.start) });
      }
      return hits;
    });
    return perChunk.flat().sort((a, b) => a.t - b.t || a.phrase.localeCompare(b.phrase));
  });
}
