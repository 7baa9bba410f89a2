import type { TFacecamBox } from "./reframe/facecam-box";
import { followFilter } from "./reframe/follow-filter";
import { splitFilter } from "./reframe/split-filter";

/** Platform presets: output size and the platform's length limit. */
export const EXPORT_PRESETS = {
  youtube_shorts: { label: "YouTube Shorts", width: 1080, height: 1920, maxSeconds: 60, under: true },
  tiktok: { label: "TikTok", width: 1080, height: 1920, maxSeconds: 180, under: false },
  instagram_reels: { label: "Instagram Reels", width: 1080, height: 1920, maxSeconds: 90, under: false },
  x_landscape: { label: "X (16:9)", width: 1920, height: 1080, maxSeconds: 140, under: false },
  x_square: { label: "X (1:1)", width: 1080, height: 1080, maxSeconds: 140, under: false },
} as const;
export type TExportPreset = keyof typeof EXPORT_PRESETS;
export const PRESET_IDS = Object.keys(EXPORT_PRESETS) as [TExportPreset, ...TExportPreset[]];

/**
 * crop: fill the frame, cutting the sides; blur: whole picture over a blurred copy; pad: whole picture on black;
 * follow: a crop that follows the speaker's face; split: the streamer's facecam box on top, the content below.
 */
export const EXPORT_LAYOUTS = {
  crop: "Center crop",
  blur: "Fit, blurred background",
  pad: "Fit with padding",
  follow: "Follow the face",
  split: "Facecam + content",
} as const;
export type TExportLayout = keyof typeof EXPORT_LAYOUTS;
export const LAYOUT_IDS = Object.keys(EXPORT_LAYOUTS) as [TExportLayout, ...TExportLayout[]];

/** Whether a clip of `seconds` fits the preset's limit, and if not, the reason in words. */
export function presetLengthProblem(preset: TExportPreset, seconds: number): string | null {
  const p = EXPORT_PRESETS[preset];
  const ok = p.under ? seconds < p.maxSeconds : seconds <= p.maxSeconds + 0.05;
  if (ok) return null;
  const limit =
    p.maxSeconds >= 120 && p.maxSeconds % 60
      ? `${Math.floor(p.maxSeconds / 60)}:${String(p.maxSeconds % 60).padStart(2, "0")}`
      : `${p.maxSeconds} s`;
  return `${p.label} takes clips ${p.under ? "under" : "up to"} ${limit}`;
}

/** Layouts that need the output to be taller than wide (the split layout stacks two parts). */
export const PORTRAIT_ONLY_LAYOUTS: readonly TExportLayout[] = ["split"];

/**
 * The ffmpeg video filter chain for a layout at W×H (input label [0:v], output [v]). The blurred background
 * is blurred at 1/8 size and scaled up, which costs a fraction of blurring at full size. `follow` reads its
 * crop path from a command file in the working directory, `split` needs the streamer's facecam box
 * (lib/studio/reframe).
 */
export function layoutFilter(layout: TExportLayout, W: number, H: number, facecam?: TFacecamBox | null): string {
  const fit = `scale=${W}:${H}:force_original_aspect_ratio=decrease:flags=bicubic`;
  switch (layout) {
    case "crop":
      return `[0:v]scale=${W}:${H}:force_original_aspect_ratio=increase:flags=bicubic,crop=${W}:${H},setsar=1[v]`;
    case "pad":
      return `[0:v]${fit},pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:black,setsar=1[v]`;
    case "blur": {
      const w = Math.round(W / 8 / 2) * 2;
      const h = Math.round(H / 8 / 2) * 2;
      return [
        `[0:v]split=2[bg][fg]`,
        `[bg]scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h},boxblur=8:2,eq=brightness=-0.08,scale=${W}:${H}:flags=bilinear[bgs]`,
        `[fg]${fit}[fgs]`,
        `[bgs][fgs]overlay=(W-w)/2:(H-h)/2,setsar=1[v]`,
      ].join(";");
    }
    case "follow":
      return followFilter(W, H);
    case "split":
      if (!facecam) throw new Error("the split layout needs the streamer's facecam box");
      return splitFilter(facecam, W, H);
  }
}
