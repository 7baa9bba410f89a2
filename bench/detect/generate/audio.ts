import fs from "node:fs/promises";
import path from "node:path";
import { runTool } from "@/lib/media/run";
import { pcmData, SPEECH_RATE, wavFile } from "@/lib/media/wav";

/**
 * Sound sources for the labelled bench recordings, all 16 kHz mono float samples (the rate the pipeline
 * analyses): espeak-ng speech, and sox-synthesized sounds (door slam, jingle, cough, a music bed). A `Track`
 * lays them out at given times and gains and writes a 16-bit WAV. Deterministic: fixed texts, voices and
 * noise seeds.
 */

export const RATE = SPEECH_RATE;

/** Reads a 16 kHz mono 16-bit WAV into floats. */
async function readWav(file: string): Promise<Float32Array> {
  const pcm = pcmData(await fs.readFile(file));
  const out = new Float32Array(pcm.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = pcm.readInt16LE(i * 2) / 32768;
  return out;
}

/** Root-mean-square level of the non-silent part (|x| above 1 % of the peak), so pauses do not count. */
export function activeRms(x: Float32Array): number {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  let sum = 0;
  let n = 0;
  for (const v of x)
    if (Math.abs(v) > peak * 0.01) {
      sum += v * v;
      n++;
    }
  return n ? Math.sqrt(sum / n) : 0;
}

/** Scales `x` so its active RMS is `rms`. */
export function withRms(x: Float32Array, rms: number): Float32Array {
  const r = activeRms(x);
  return r > 0 ? x.map((v) => (v * rms) / r) : x;
}

let seq = 0;
const tmpName = (dir: string, stem: string) => path.join(dir, `${stem}-${process.pid}-${seq++}.wav`);

/** espeak-ng speech, resampled to 16 kHz by sox. `voice`: espeak-ng flags (-s words/min, -p pitch, -a amplitude). */
export async function speak(dir: string, text: string, voice: string[]): Promise<Float32Array> {
  const raw = tmpName(dir, "espeak");
  const out = tmpName(dir, "speech");
  await runTool("espeak-ng", ["-v", "en-us", ...voice, "-w", raw, text]);
  // espeak-ng may leave the RIFF size fields at 0x7fffffff: --ignore-length reads to the end of the file.
  await runTool("sox", ["--ignore-length", raw, "-r", String(RATE), "-c", "1", "-b", "16", out]);
  const x = await readWav(out);
  await Promise.all([fs.rm(raw, { force: true }), fs.rm(out, { force: true })]);
  return x;
}

/** `sox -n <out> <effects…>` (sox's own synth and effects), read back as 16 kHz floats. */
export async function synth(dir: string, effects: string[]): Promise<Float32Array> {
  const out = tmpName(dir, "synth");
  await runTool("sox", ["-n", "-r", String(RATE), "-c", "1", "-b", "16", out, ...effects]);
  const x = await readWav(out);
  await fs.rm(out, { force: true });
  return x;
}

/** A door slamming: a low thump and a burst of brown noise, both dying away within half a second. */
export const doorSlam = (dir: string) =>
  synth(dir, [
    "synth",
    "0.7",
    "brownnoise",
    "synth",
    "0.7",
    "sine",
    "mix",
    "55",
    "fade",
    "q",
    "0.003",
    "0.7",
    "0.6",
    "lowpass",
    "2500",
    "gain",
    "-n",
    "-1",
  ]);

/** A short notification jingle: four plucked notes rising (C5 E5 G5 C6). */
export const jingle = (dir: string) =>
  synth(dir, [
    "synth",
    "0.22",
    "pluck",
    "C5",
    ":",
    "synth",
    "0.22",
    "pluck",
    "E5",
    ":",
    "synth",
    "0.22",
    "pluck",
    "G5",
    ":",
    "synth",
    "0.6",
    "pluck",
    "C6",
    "gain",
    "-n",
    "-1",
  ]);

/** One cough: a band-passed noise burst with a sharp attack, twice (a cough and its echo). */
export const cough = (dir: string) =>
  synth(dir, [
    "synth",
    "0.28",
    "pinknoise",
    "bandpass",
    "600",
    "500h",
    "fade",
    "q",
    "0.01",
    "0.28",
    "0.2",
    "repeat",
    "1",
    "gain",
    "-n",
    "-1",
  ]);

/**
 * A background music bed: a four-chord loop (C, Am, F, G) of plucked triads with a sine bass, 8 s long, so
 * it repeats exactly under a recording.
 */
export async function musicLoop(dir: string): Promise<Float32Array> {
  const chords = [
    ["C4", "E4", "G4", "C2"],
    ["A3", "C4", "E4", "A1"],
    ["F3", "A3", "C4", "F1"],
    ["G3", "B3", "D4", "G1"],
  ];
  const effects: string[] = [];
  chords.forEach(([a, b, c, bass], i) => {
    if (i) effects.push(":");
    effects.push("synth", "2", "pluck", a, "pluck", b, "pluck", c, "sine", bass, "fade", "q", "0.01", "2", "0.3");
  });
  return synth(dir, [...effects, "gain", "-n", "-3"]);
}

/** Where a piece of sound went (seconds from the start of the recording). */
export type TPlaced = { start: number; end: number };

/** A recording being laid out: sounds added at times and gains, then written as a 16 kHz 16-bit WAV. */
export class Track {
  readonly samples: Float32Array;

  constructor(readonly seconds: number) {
    this.samples = new Float32Array(Math.ceil(seconds * RATE));
  }

  /** Adds `x` at `at` seconds (scaled by `gain`); returns where it lies. */
  place(x: Float32Array, at: number, gain = 1): TPlaced {
    const from = Math.round(at * RATE);
    for (let i = 0; i < x.length && from + i < this.samples.length; i++) this.samples[from + i] += x[i] * gain;
    return { start: r3(at), end: r3(at + x.length / RATE) };
  }

  /** Repeats `x` under the whole recording at `gain`. */
  loop(x: Float32Array, gain: number) {
    for (let i = 0; i < this.samples.length; i++) this.samples[i] += x[i % x.length] * gain;
  }

  /** Adds a deterministic noise floor (room tone) of RMS `rms`, so pauses are not digital zero. */
  noise(rms: number, seed: number) {
    let s = seed >>> 0 || 1;
    for (let i = 0; i < this.samples.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      this.samples[i] += ((s >>> 0) / 0xffffffff - 0.5) * 2 * rms * Math.sqrt(3);
    }
  }

  async write(file: string) {
    const pcm = Buffer.alloc(this.samples.length * 2);
    // Soft clip (tanh), as a hot microphone saturates, instead of wrapping.
    for (let i = 0; i < this.samples.length; i++)
      pcm.writeInt16LE(Math.round(Math.max(-1, Math.min(1, Math.tanh(this.samples[i]))) * 32767), i * 2);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, wavFile(pcm, RATE));
  }
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
