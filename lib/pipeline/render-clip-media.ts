import path from "node:path";
import type { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import type { TClipCut } from "@/inngest/events";
import { renderClip } from "@/lib/media";
import { copyClip } from "@/lib/media/copy-clip";
import { downloadClipInputs, type TClipSource } from "@/lib/live-edge/download-clip-inputs";
import { getStore, storageKeys } from "@/lib/storage";
import { RENDER_BACKLOG_KEYFRAME, renderBacklog } from "./render-backlog";
import { withWorkdir } from "./workdir";

/**
 * Cuts one clip with a thumbnail and stores both. The media comes from the stored segments covering it, or,
 * while its segment is still recording, from the live parts (waiting briefly for the live edge to pass the
 * clip's end): see downloadClipInputs. A range partly purged is cut to what is stored.
 * `cut: "exact"` (the default) re-encodes, frame-accurate. `cut: "keyframe"` ("Clip that") copies the live
 * parts from the part boundary (a keyframe) at or before the start, no re-encode, when the parts still cover
 * the range and their codecs fit an MP4; otherwise it re-encodes. The clip stores the range its file holds: for a
 * copy, the part boundary it starts on and start + the probed duration.
 * A live-edge clip (origin LIVE) with no cut asked for is cut like "Clip that" while RENDER_BACKLOG_KEYFRAME
 * or more clips wait to be rendered (backpressure, as the live edge's own: a machine that cannot re-encode
 * every stream's moments in time copies the parts instead of re-encoding them; 40 live streams whose moments
 * came at once waited 34 s median for their re-encoded clips, bench live-concurrency).
 * Each render writes files of its own and swaps them in only if the clip's edges are still those it cut: a
 * segment may refine a live clip's edges while its first render runs (insert-detected-clips.ts), and then the
 * render of the new edges stands (`stale: true` for the one discarded).
 */
export async function renderClipMedia(
  clipId: string,
  opts: { cut?: TClipCut } = {},
): Promise<{
  duration: number;
  source: TClipSource;
  cut: TClipCut;
  stale: boolean;
  ms: Record<"media" | "cut" | "store", number>;
}> {
  // Wall time per stage, returned (so kept in the run's step output): where a slow render went.
  const ms = { media: 0, cut: 0, store: 0 };
  let t = Date.now();
  const lap = (k: keyof typeof ms) => {
    ms[k] = Date.now() - t;
    t = Date.now();
  };
  const clip = await prisma.clip.update({ where: { id: clipId }, data: { status: "RENDERING", error: null } });
  const store = getStore();
  const keyframe =
    opts.cut === "keyframe" ||
    (opts.cut === undefined && clip.origin === "LIVE" && (await renderBacklog([clipId])) >= RENDER_BACKLOG_KEYFRAME);
  const tag = `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const keys = { video: storageKeys.clipVideoVersion(clipId, tag), thumb: storageKeys.clipThumbVersion(clipId, tag) };
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
    const video = await store.put(keys.video, outVideo, { contentType: "video/mp4" });
    const thumb = await store.put(keys.thumb, outThumb, { contentType: "image/jpeg" });
    // A copy ends on the frame at or after `end`: the end it holds is start + its duration.
    return { ...r, end: copied ? r.start + r.duration : end, source, sizeBytes: video.size + thumb.size };
  });
  const replaced = await swapRender(
    clipId,
    { start: clip.startTime, end: clip.endTime },
    {
      status: "READY",
      startTime: result.start,
      endTime: result.end,
      duration: result.duration,
      sizeBytes: result.sizeBytes,
      videoKey: keys.video,
      thumbKey: keys.thumb,
    },
  );
  // Swapped: the files it replaced go. Stale: this render's own files go.
  const gone = replaced
    ? [replaced.videoKey, replaced.thumbKey].filter((k): k is string => !!k && k !== keys.video && k !== keys.thumb)
    : [keys.video, keys.thumb];
  await Promise.all(gone.map((k) => store.delete(k)));
  lap("store");
  return { duration: result.duration, source: result.source, cut: result.cut, stale: !replaced, ms };
}

/**
 * Stores a render's result if the clip still has the edges it was cut from (row-locked, so two renders cannot
 * both swap); returns the media keys it replaced, or null when the edges moved (the render is stale).
 */
async function swapRender(
  clipId: string,
  cutFrom: { start: number; end: number },
  data: Prisma.ClipUpdateInput,
): Promise<{ videoKey: string | null; thumbKey: string | null } | null> {
  return prisma.$transaction(async (tx) => {
    const [current] = await tx.$queryRaw<{ videoKey: string | null; thumbKey: string | null }[]>`
      select "videoKey", "thumbKey" from "Clip"
      where id = ${clipId} and "startTime" = ${cutFrom.start} and "endTime" = ${cutFrom.end} for update`;
    if (!current) return null;
    await tx.clip.update({ where: { id: clipId }, data });
    return current;
  });
}

/** A render that gave up: the clip shows the error, unless a newer render has already made it READY. */
export async function failClip(clipId: string, message: string): Promise<void> {
  await prisma.clip.updateMany({
    where: { id: clipId, status: { not: "READY" } },
    data: { status: "ERROR", error: message.slice(0, 500) },
  });
}
