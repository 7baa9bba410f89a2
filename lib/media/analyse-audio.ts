import fs from "node:fs/promises";
import { env } from "@/lib/env";
import { analysePcm } from "./analyse-pcm";
import { probeMedia } from "./probe-media";
import { runTool } from "./run";
import { isSpeechWav, pcmData, SPEECH_RATE } from "./wav";

export type TLoudness = { t: number; lufs: number };
export type TSilence = { start: number; end: number };

/** Below this, momentary loudness is "nothing" (ebur128 reports -120.7 for digital silence). */
const FLOOR_LUFS = -70;

/**
 * Momentary loudness (EBU R128, 400 ms window) every 100 ms, from the per-frame lines the `ebur128`
 * filter logs: `t: 0.499955  TARGET:-23 LUFS  M: -18.5 S: ...`. `t` is the end of the window, relative to
 * the start of the file.
 */
export async function measureLoudness(wav: string): Promise<TLoudness[]> {
  const stderr = await filterLog(wav, "ebur128=framelog=info");
  return parseLoudness(stderr, wav);
}

function parseLoudness(stderr: string, wav: string): TLoudness[] {
  const out: TLoudness[] = [];
  const re = /\bt:\s*([\d.]+)\s+TARGET:\S+\s+LUFS\s+M:\s*(-?[\d.]+|-?inf|nan)/g;
  for (const m of stderr.matchAll(re)) {
    const t = Number(m[1]);
    const raw = Number(m[2]);
    const lufs = Number.isFinite(raw) ? Math.max(FLOOR_LUFS, raw) : FLOOR_LUFS;
    out.push({ t: Math.round(t * 1000) / 1000, lufs: Math.round(lufs * 10) / 10 });
  }
  if (!out.length) throw new Error(`ebur128 produced no loudness frames for ${wav}`);
  return out;
}

/** Silent stretches via `silencedetect` (`silence_start: 1.2` … `silence_end: 2.5 | silence_duration: …`). */
export async function detectSilences(
  wav: string,
  opts: { noiseDb?: number; minSeconds?: number } = {},
): Promise<TSilence[]> {
  const noiseDb = opts.noiseDb ?? -35;
  const minSeconds = opts.minSeconds ?? 0.35;
  const stderr = await filterLog(wav, silenceFilter(noiseDb, minSeconds));
  return parseSilences(stderr, async () => (await probeMedia(wav)).duration);
}

async function parseSilences(stderr: string, duration: () => Promise<number>): Promise<TSilence[]> {
  const out: TSilence[] = [];
  let open: number | null = null;
  for (const m of stderr.matchAll(/silence_(start|end):\s*(-?[\d.]+)/g)) {
    const t = Math.max(0, Number(m[2]));
    if (m[1] === "start") open = t;
    else if (open !== null) {
      out.push({ start: open, end: t });
      open = null;
    }
  }
  // Silence running to the end of the file has a start but no end line.
  if (open !== null) out.push({ start: open, end: await duration() });
  return out;
}

/** Runs an audio filter chain over a file's first audio stream and returns what the filters logged. */
async function filterLog(wav: string, filter: string): Promise<string> {
  const args = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-i", wav, "-map", "0:a:0"];
  const { stderr } = await runTool(env.FFMPEG_PATH, [...args, "-af", filter, "-f", "null", "-"]);
  return stderr;
}

const silenceFilter = (noiseDb = -35, minSeconds = 0.35) => `silencedetect=noise=${noiseDb}dB:duration=${minSeconds}`;

/**
 * Momentary loudness and silences of a file, with measureLoudness's and detectSilences's defaults. A 16 kHz
 * mono speech WAV (every live chunk) is measured in this process (analyse-pcm.ts); anything else in one ffmpeg
 * run (`ebur128` then `silencedetect` in one filter chain; ebur128 passes the audio through), where a silence
 * running to the end ends at the input's duration from ffmpeg's own header (no ffprobe run).
 */
export async function analyseAudio(wav: string): Promise<{ loudness: TLoudness[]; silences: TSilence[] }> {
  // A speech WAV (every live chunk) is measured in this process: no ffmpeg start (analyse-pcm.ts).
  const buf = await fs.readFile(wav);
  if (isSpeechWav(buf)) return analysePcm(pcmData(buf), SPEECH_RATE);
  const stderr = await filterLog(wav, `ebur128=framelog=info,${silenceFilter()}`);
  const header = /Duration:\s*(\d+):(\d+):([\d.]+)/.exec(stderr);
  const duration = async () =>
    header ? Number(header[1]) * 3600 + Number(header[2]) * 60 + Number(header[3]) : (await probeMedia(wav)).duration;
  return { loudness: parseLoudness(stderr, wav), silences: await parseSilences(stderr, duration) };
}
