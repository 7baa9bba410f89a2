import path from "node:path";
import { prisma } from "@/lib/db";
import type { TClipCut } from "@/inngest/events";
import { renderClip } from "@/lib/media";
import { copyClip } from "@/lib/media/copy-clip";
import { downloadClipInputs, type TClipSource } from "@/lib/live-edge/download-clip-inputs";
import { getStore, storageKeys } from "@/lib/storage";
import { withWorkdir } from "./workdir";

/**
 * Cuts one clip with a thumbnail and stores both. The media comes from the stored segments covering it, or,
 * while its segment is still recording, from the live parts (waiting briefly for the live edge to pass the
 * clip's end): see downloadClipInputs. A range partly purged is cut to what is stored.
 * `cut: "exact"` (the default) re-encodes, frame-accurate. `cut: "keyframe"` ("Clip that") copies the live
 * parts from the part boundary (a keyframe) at or before the start, no re-encode, when the parts still cover
 * the range and their codecs fit an MP4; otherwise it re-encodes. The clip stores the range its file holds: for a
 * copy, the part boundary it starts on and start + the probed duration.
 */
export async function renderClipMedia(
  clipId: string,
  opts: { cut?: TClipCut } = {},
): Promise<{ duration: number; source: TClipSource; cut: TClipCut; ms: Record<"media" | "cut" | "store", number> }> {
  // Wall time per stage, returned (so kept in the run's step output): where a slow render went.
  const ms = { media: 0, cut: 0, store: 0 };
  let t = Date.now();
  const lap = (k: keyof typeof ms) => {
    ms[k] = Date.now() - t;
    t = Date.now();
  };
  const clip = await prisma.clip.update({ where: { id: clipId }, data: { status: "RENDERING", error: null } });
  const store = getStore();
  const keyframe = opts.cut === "keyframe";
  const result = await withWorkdir(async (dir) => {
    const got = await downloadClipInputs({
      sessionId: clip.sessionId,
      start: clip.startTime,
      end: clip.endTime,
      dir,
      clamp: true,
      preferParts: keyframe,
    });
    lap("media");
    const { inputs, end, source } = got;
    const outVideo = path.join(dir, "clip.mp4");
    const outThumb = path.join(dir, "thumb.jpg");
    const copied =
      keyframe && source === "parts" && inputs.length === 1 && got.firstPartSeconds !== undefined
        ? await copyClip({ input: inputs[0], start: got.start, end, outVideo, outThumb, maxLead: got.firstPartSeconds })
        : null;
    // Otherwise re-encoded; cut from the live edge: wanted within seconds, so the faster encoder settings.
    const r = copied
      ? { ...copied, cut: "keyframe" as const }
      : {
          ...(await renderClip({ inputs, start: got.start, end, outVideo, outThumb, fast: source !== "segments" })),
          start: got.start,
          cut: "exact" as const,
        };
    lap("cut");
    const video = await store.put(storageKeys.clipVideo(clipId), outVideo, { contentType: "video/mp4" });
    const thumb = await store.put(storageKeys.clipThumb(clipId), outThumb, { contentType: "image/jpeg" });
    // A copy ends on the frame at or after `end`: the end it holds is start + its duration.
    return { ...r, end: copied ? r.start + r.duration : end, source, sizeBytes: video.size + thumb.size };
  });
  await prisma.clip.update({
    where: { id: clipId },
    data: {
      status: "READY",
      startTime: result.start,
      endTime: result.end,
      duration: result.duration,
      sizeBytes: result.sizeBytes,
      videoKey: storageKeys.clipVideo(clipId),
      thumbKey: storageKeys.clipThumb(clipId),
    },
  });
  lap("store");
  return { duration: result.duration, source: result.source, cut: result.cut, ms };
}

export async function failClip(clipId: string, message: string): Promise<void> {
  await prisma.clip.updateMany({ where: { id: clipId }, data: { status: "ERROR", error: message.slice(0, 500) } });
}
