import type { TFacecamBox } from "./facecam-box";

/** Share of the output's height the facecam takes on top in the split layout; the content fills the rest. */
export const SPLIT_TOP_SHARE = 0.4;

/** Heights of the split layout's two parts at W×H (even, as H.264 4:2:0 wants). */
export function splitHeights(H: number): { top: number; bottom: number } {
  const top = Math.round((H * SPLIT_TOP_SHARE) / 2) * 2;
  return { top, bottom: H - top };
}

const f = (n: number) => Number(n.toFixed(5));

/**
 * The split layout's ffmpeg graph (input [0:v], output [v]): the facecam box cut from the frame, scaled to
 * cover the full width of the top part; below it the whole frame scaled to cover the rest (centre crop).
 */
export function splitFilter(box: TFacecamBox, W: number, H: number): string {
  const { top, bottom } = splitHeights(H);
  const cover = (w: number, h: number) =>
    `scale=${w}:${h}:force_original_aspect_ratio=increase:flags=bicubic,crop=${w}:${h},setsar=1`;
  return [
    `[0:v]split=2[cam][main]`,
    `[cam]crop=w=iw*${f(box.w)}:h=ih*${f(box.h)}:x=iw*${f(box.x)}:y=ih*${f(box.y)},${cover(W, top)}[top]`,
    `[main]${cover(W, bottom)}[bottom]`,
    `[top][bottom]vstack=inputs=2,setsar=1[v]`,
  ].join(";");
}
