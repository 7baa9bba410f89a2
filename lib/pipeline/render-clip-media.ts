import path from "node:path";
import { prisma } from "@/lib/db";
import { renderClip } from "@/lib/media";
import { downloadClipInputs, type TClipSource } from "@/lib/live-edge/download-clip-inputs";
import { getStore, storageKeys } from "@/lib/storage";
import { withWorkdir } from "./workdir";

/**
 * Cuts one clip (frame-accurate) with a thumbnail and stores both. The media comes from the stored segments
 * covering it, or, while its segment is still recording, from the live parts (waiting briefly for the live
 * edge to pass the clip's end): see downloadClipInputs. A range partly purged is cut to what is stored.
 */
export async function renderClipMedia(clipId: string): Promise<{ duration: number; source: TClipSource }> {
  const clip = await prisma.clip.update({ where: { id: clipId }, data: { status: "RENDERING", error: null } });
  const store = getStore();
  const result = await withWorkdir(async (dir) => {
    const { inputs, start, end, source } = await downloadClipInputs({
      sessionId: clip.sessionId,
      start: clip.startTime,
      end: clip.endTime,
      dir,
      clamp: true,
    });
    const outVideo = path.join(dir, "clip.mp4");
    const outThumb = path.join(dir, "thumb.jpg");
    // Cut from the live edge: wanted within seconds, so the faster encoder settings.
    const r = await renderClip({ inputs, start, end, outVideo, outThumb, fast: source !== "segments" });
    await store.put(storageKeys.clipVideo(clipId), outVideo, { contentType: "video/mp4" });
    await store.put(storageKeys.clipThumb(clipId), outThumb, { contentType: "image/jpeg" });
    return { ...r, start, end, source };
  });
  await prisma.clip.update({
    where: { id: clipId },
    data: {
      status: "READY",
      startTime: result.start,
      endTime: result.end,
      duration: result.duration,
      videoKey: storageKeys.clipVideo(clipId),
      thumbKey: storageKeys.clipThumb(clipId),
    },
  });
  return { duration: result.duration, source: result.source };
}

export async function failClip(clipId: string, message: string): Promise<void> {
  await prisma.clip.updateMany({ where: { id: clipId }, data: { status: "ERROR", error: message.slice(0, 500) } });
}
