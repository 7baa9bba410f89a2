import { MIN_FACECAM_SIDE, type TFacecamBox } from "./facecam-box";

export type TPoint = { x: number; y: number };
/** draw: a new box between the two points; move: the box shifted; resize: its bottom-right corner dragged. */
export type TDragMode = "draw" | "move" | "resize";

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const r4 = (v: number) => Math.round(v * 10000) / 10000;
const rounded = (b: TFacecamBox): TFacecamBox => ({ x: r4(b.x), y: r4(b.y), w: r4(b.w), h: r4(b.h) });

/**
 * The box a pointer drag on the frame makes (all in fractions of the frame), kept inside the frame; a box
 * being drawn or resized never gets smaller than MIN_FACECAM_SIDE. `start` is the box when the drag began.
 */
export function dragBox(mode: TDragMode, start: TFacecamBox | null, from: TPoint, to: TPoint): TFacecamBox {
  const p = { x: clamp01(to.x), y: clamp01(to.y) };
  if (mode === "move" && start) {
    const x = Math.min(1 - start.w, Math.max(0, start.x + p.x - from.x));
    const y = Math.min(1 - start.h, Math.max(0, start.y + p.y - from.y));
    return rounded({ ...start, x, y });
  }
  if (mode === "resize" && start) {
    const w = Math.min(1 - start.x, Math.max(MIN_FACECAM_SIDE, p.x - start.x));
    const h = Math.min(1 - start.y, Math.max(MIN_FACECAM_SIDE, p.y - start.y));
    return rounded({ ...start, w, h });
  }
  const a = { x: clamp01(from.x), y: clamp01(from.y) };
  const side = (lo: number, hi: number) => {
    const size = Math.max(MIN_FACECAM_SIDE, hi - lo);
    const start = Math.min(lo, 1 - size);
    return [start, size] as const;
  };
  const [x, w] = side(Math.min(a.x, p.x), Math.max(a.x, p.x));
  const [y, h] = side(Math.min(a.y, p.y), Math.max(a.y, p.y));
  return rounded({ x, y, w, h });
}
