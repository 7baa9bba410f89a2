import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { prisma } from "@/lib/db";
import type { TExportLayout } from "../export-presets";
import { ZFacecamBox, type TFacecamBox } from "./facecam-box";
import { FOLLOW_COMMANDS_FILE, followCommands, followGeometry } from "./follow-filter";
import { smoothCropPath } from "./smooth-crop-path";
import { trackFaces } from "./track-faces";

export type TReframe = { facecam: TFacecamBox | null; cropMaxSpeed: number | null };

/**
 * What the follow and split layouts need before ffmpeg runs, in the render's working directory `dir`:
 * follow tracks the face on the clip `src`, smooths the crop path and writes its sendcmd file (returning the
 * window's largest speed, source px/s); split reads the streamer's facecam box. Other layouts need nothing.
 */
export async function prepareReframe(o: {
  exportId: string;
  userId: string;
  clipId: string;
  layout: TExportLayout;
  dir: string;
  src: string;
  source: { width?: number; height?: number; duration: number };
  W: number;
  H: number;
}): Promise<TReframe> {
  if (o.layout === "split") {
    const clip = await prisma.clip.findFirstOrThrow({
      where: { id: o.clipId, userId: o.userId },
      select: { streamer: { select: { facecamBox: true } } },
    });
    return { facecam: ZFacecamBox.parse(clip.streamer.facecamBox), cropMaxSpeed: null };
  }
  if (o.layout !== "follow") return { facecam: null, cropMaxSpeed: null };
  if (!o.source.width || !o.source.height) throw new Error("the clip has no video stream to follow a face in");
  const src = { width: o.source.width, height: o.source.height };
  const geo = followGeometry(src, o.W, o.H);
  const track = await trackFaces(o.src, src);
  const p = smoothCropPath(track.samples, {
    frameWidth: src.width,
    cropWidth: geo.cropWidth,
    duration: o.source.duration,
  });
  await fs.writeFile(
    path.join(o.dir, FOLLOW_COMMANDS_FILE),
    followCommands(p.xs, p.fps, geo.scale, o.W, geo.scaledWidth),
  );
  const seen = track.samples.filter((s) => s.cx !== null).length;
  console.log(
    `[export ${o.exportId}] follow: face on ${seen}/${track.frames} sampled frames, ` +
      `detection ${track.msPerFrame.toFixed(0)} ms/frame, crop window max speed ${p.maxSpeed.toFixed(0)} px/s`,
  );
  return { facecam: null, cropMaxSpeed: p.maxSpeed };
}
