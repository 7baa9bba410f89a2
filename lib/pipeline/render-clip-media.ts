import path from "node:path";
import { prisma } from "@/lib/db";
import { renderClip } from "@/lib/media";
import { getStore, storageKeys } from "@/lib/storage";
import { withWorkdir } from "./workdir";

/** Cuts one clip (frame-accurate) from the stored segments that cover it, with a thumbnail; stores both. */
export async function renderClipMedia(clipId: string): Promise<{ duration: number }> {
  const clip = await prisma.clip.update({ where: { id: clipId }, data: { status: "RENDERING", error: null } });
  const segments = await prisma.segment.findMany({
    where: { sessionId: clip.sessionId, deletedAt: null, storageKey: { not: null } },
    orderBy: { number: "asc" },
    select: { number: true, startOffset: true, duration: true, storageKey: true },
  });
  const covering = segments.filter((s) => s.startOffset < clip.endTime && s.startOffset + s.duration > clip.startTime);
  if (!covering.length) throw new Error("the recording for this clip is no longer stored");
  const available = { start: covering[0].startOffset, end: covering.at(-1)!.startOffset + covering.at(-1)!.duration };
  const start = Math.max(clip.startTime, available.start);
  const end = Math.min(clip.endTime, available.end);

  const store = getStore();
  const result = await withWorkdir(async (dir) => {
    const inputs = [];
    for (const s of covering) {
      const file = path.join(dir, `seg-${s.number}.ts`);
      await store.download(s.storageKey!, file);
      inputs.push({ path: file, startOffset: s.startOffset, duration: s.duration });
    }
    const outVideo = path.join(dir, "clip.mp4");
    const outThumb = path.join(dir, "thumb.jpg");
    const r = await renderClip({ inputs, start, end, outVideo, outThumb });
    await store.put(storageKeys.clipVideo(clipId), outVideo, { contentType: "video/mp4" });
    await store.put(storageKeys.clipThumb(clipId), outThumb, { contentType: "image/jpeg" });
    return r;
  });
  await prisma.clip.update({
    where: { id: clipId },
    data: {
      status: "READY",
      startTime: start,
      endTime: end,
      duration: result.duration,
      videoKey: storageKeys.clipVideo(clipId),
      thumbKey: storageKeys.clipThumb(clipId),
    },
  });
  return { duration: result.duration };
}

export async function failClip(clipId: string, message: string): Promise<void> {
  await prisma.clip.updateMany({ where: { id: clipId }, data: { status: "ERROR", error: message.slice(0, 500) } });
}
