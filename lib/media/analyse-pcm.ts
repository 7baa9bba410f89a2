import type { TLoudness, TSilence } from "./analyse-audio";

/**
 * Momentary loudness and silences of 16-bit mono PCM, computed in this process: what `ebur128` and
 * `silencedetect` report (analyse-audio.ts), without starting ffmpeg. A live chunk is measured every 5 s per
 * stream, and the ffmpeg run (process start, decode, filter graph) cost 0.07–0.08 CPU-s of a cheap chunk's
 * ≈ 0.3 (bench live-concurrency, `live-chunk-cpu`); this costs ≈ 3 ms per 5-s chunk.
 *
 * Loudness follows ITU-R BS.1770 as libebur128 does: the K-weighting pre-filter (high shelf) and RLB
 * high-pass, with coefficients for the signal's own rate, then the mean square over the 400 ms before each
 * 100 ms mark, as LUFS (−0.691 + 10·log10). Marks before the first full window report the floor, as ffmpeg's
 * filter does: on the sample stream every value equals ffmpeg 5.1's (lib/media/media.test.ts). Silences are runs of at least `minSeconds` whose every sample is below `noiseDb`.
 */

const FLOOR_LUFS = -70;
const WINDOW_S = 0.4;
const STEP_S = 0.1;

type TBiquad = { b: [number, number, number]; a: [number, number, number] };

/** libebur128's K-weighting filters for sample rate `fs`: the shelf and the high-pass, each a biquad. */
function kWeighting(fs: number): [TBiquad, TBiquad] {
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / fs);
  const Vh = Math.pow(10, G / 20);
  const Vb = Math.pow(Vh, 0.4996667741545416);
  let a0 = 1 + K / Q + K * K;
  const shelf: TBiquad = {
    b: [(Vh + (Vb * K) / Q + K * K) / a0, (2 * (K * K - Vh)) / a0, (Vh - (Vb * K) / Q + K * K) / a0],
    a: [1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0],
  };
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / fs);
  a0 = 1 + K / Q + K * K;
  const highPass: TBiquad = { b: [1, -2, 1], a: [1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0] };
  return [shelf, highPass];
}

/** Runs a biquad over `x` in place (direct form I). */
function filter(x: Float64Array, { b, a }: TBiquad) {
  const [b0, b1, b2, a1, a2] = [b[0], b[1], b[2], a[1], a[2]];
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i];
    const y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x0;
    y2 = y1;
    y1 = y0;
    x[i] = y0;
  }
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Momentary loudness every 100 ms; `t` is the end of each 400 ms window, seconds from the first sample. */
export function pcmLoudness(pcm: Int16Array, rate: number): TLoudness[] {
  const x = new Float64Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) x[i] = pcm[i] / 32768;
  for (const f of kWeighting(rate)) filter(x, f);
  // Prefix sums of the squares make every window one subtraction.
  const sq = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) sq[i + 1] = sq[i] + x[i] * x[i];
  const win = Math.round(WINDOW_S * rate);
  const step = Math.round(STEP_S * rate);
  const out: TLoudness[] = [];
  for (let end = step; end <= x.length; end += step) {
    const full = end >= win;
    const ms = full ? (sq[end] - sq[end - win]) / win : 0;
    const lufs = ms > 0 ? Math.max(FLOOR_LUFS, -0.691 + 10 * Math.log10(ms)) : FLOOR_LUFS;
    out.push({ t: r3(end / rate), lufs: Math.round(lufs * 10) / 10 });
  }
  return out;
}

/** Stretches of at least `minSeconds` whose samples all stay below `noiseDb` (dBFS). */
export function pcmSilences(pcm: Int16Array, rate: number, opts: { noiseDb?: number; minSeconds?: number } = {}) {
  const threshold = Math.pow(10, (opts.noiseDb ?? -35) / 20) * 32768;
  const minSamples = Math.round((opts.minSeconds ?? 0.35) * rate);
  const out: TSilence[] = [];
  let runStart = -1;
  const close = (end: number) => {
    if (runStart >= 0 && end - runStart >= minSamples) out.push({ start: r3(runStart / rate), end: r3(end / rate) });
    runStart = -1;
  };
  for (let i = 0; i < pcm.length; i++) {
    if (Math.abs(pcm[i]) < threshold) {
      if (runStart < 0) runStart = i;
    } else close(i);
  }
  close(pcm.length);
  return out;
}

/** Both measurements of a PCM buffer (16-bit little-endian mono samples). */
export function analysePcm(pcm: Buffer, rate: number): { loudness: TLoudness[]; silences: TSilence[] } {
  const samples = new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + (pcm.length & ~1)));
  return { loudness: pcmLoudness(samples, rate), silences: pcmSilences(samples, rate) };
}
