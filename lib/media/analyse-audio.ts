import { env } from "@/lib/env";
import { probeMedia } from "./probe-media";
import { runTool } from "./run";

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
  const { stderr } = await runTool(env.FFMPEG_PATH, [
    "-hide_banner",
    "-nostdin",
    "-nostats",
    "-loglevel",
    "info",
    "-i",
    wav,
    "-map",
    "0:a:0",
    "-af",
    "ebur128=framelog=info",
    "-f",
    "null",
    "-",
  ]);
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
  const { stderr } = await runTool(env.FFMPEG_PATH, [
    "-hide_banner",
    "-nostdin",
    "-nostats",
    "-loglevel",
    "info",
    "-i",
    wav,
    "-map",
    "0:a:0",
    "-af",
    `silencedetect=noise=${noiseDb}dB:duration=${minSeconds}`,
    "-f",
    "null",
    "-",
  ]);
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
  if (open !== null) out.push({ start: open, end: (await probeMedia(wav)).duration });
  return out;
}
