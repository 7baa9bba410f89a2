import "@/lib/zod-jitless";
import { z } from "zod";

/** Smallest side of a facecam box, as a fraction of the frame (a 1080p frame: 54 px wide, 43 px high). */
export const MIN_FACECAM_SIDE = 0.04;
const fraction = z.number().min(0).max(1);

/**
 * The facecam's box on the stream's frame, as fractions of the frame's width and height (so it holds for any
 * rendition of the stream): left `x`, top `y`, width `w`, height `h`, inside the frame.
 */
export const ZFacecamBox = z
  .object({ x: fraction, y: fraction, w: fraction, h: fraction })
  .strict()
  .refine((b) => b.w >= MIN_FACECAM_SIDE && b.h >= MIN_FACECAM_SIDE, {
    message: `the box must be at least ${MIN_FACECAM_SIDE * 100} % of the frame on each side`,
  })
  .refine((b) => b.x + b.w <= 1.000001 && b.y + b.h <= 1.000001, { message: "the box must lie inside the frame" });
export type TFacecamBox = z.infer<typeof ZFacecamBox>;
