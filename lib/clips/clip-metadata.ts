import { z } from "zod";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { getCaptions, sessionWordsUntil } from "@/lib/studio/captions";
import { EXPORT_PRESETS, type TExportLayout, type TExportPreset } from "@/lib/studio/export-presets";

/** Names the shape, so an importer can tell versions apart. */
export const METADATA_FORMAT = "clipstream.clip-metadata/1";
export const MAX_BATCH = 100;

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** How an export placed the picture in its frame, for an editor rebuilding it. */
function placement(layout: string, width: number, height: number) {
  const aspect = `${width / gcd(width, height)}:${height / gcd(width, height)}`;
  switch (layout as TExportLayout) {
    case "crop":
      return { layout, aspect, crop: { mode: "center", fill: true }, background: null };
    case "blur":
      return { layout, aspect, crop: null, background: "blurred copy of the picture" };
    case "pad":
      return { layout, aspect, crop: null, background: "black" };
    case "follow":
      return { layout, aspect, crop: { mode: "follows the face", fill: true }, background: null };
    case "split":
      return { layout, aspect, crop: { mode: "facecam box on top, content below", fill: true }, background: null };
    default:
      return { layout, aspect, crop: null, background: null };
  }
}
const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);

/**
 * One clip described for other editors: where it is in the stream (stream seconds and wall-clock time), its
 * words with timings and its captions as edited (both in clip seconds: 0 is the clip's first frame), and each
 * export's preset, size and layout (crop or fit, and the background).
 */
export async function clipMetadata(userId: string, clipId: string) {
  const clip = await prisma.clip.findFirst({
    where: { id: clipId, userId },
    include: {
      streamer: { select: { id: true, name: true, kind: true } },
      session: { select: { id: true, startedAt: true, replaySource: true } },
      exports: { orderBy: { createdAt: "asc" } },
    },
  });
  if (!clip) throw new AppError("not_found", "Clip not found.");
  const [words, captions] = await Promise.all([
    sessionWordsUntil(userId, clip.sessionId, clip.endTime),
    getCaptions(userId, clip.id),
  ]);
  const at = (t: number) => new Date(clip.session.startedAt.getTime() + t * 1000).toISOString();
  const inClip = words
    .filter((w) => w.s >= clip.startTime - 0.05 && w.e <= clip.endTime + 0.05 && w.w.trim())
    .sort((a, b) => a.s - b.s)
    .map((w) => ({
      text: w.w,
      start: r3(Math.max(0, w.s - clip.startTime)),
      end: r3(Math.min(clip.endTime - clip.startTime, w.e - clip.startTime)),
      ...(w.c !== undefined ? { confidence: w.c } : {}),
    }));
  return {
    format: METADATA_FORMAT,
    clip: {
      id: clip.id,
      title: clip.title,
      hook: clip.hook,
      reason: clip.reason,
      score: clip.score,
      tags: clip.tags,
      origin: clip.origin,
      engine: clip.engine,
      engineModel: clip.engineModel,
      status: clip.status,
      review: clip.review,
      favorite: clip.favorite,
      createdAt: clip.createdAt.toISOString(),
      url: new URL(`/clips/${clip.id}`, env.APP_URL).toString(),
    },
    source: {
      streamer: clip.streamer,
      session: {
        id: clip.session.id,
        startedAt: clip.session.startedAt.toISOString(),
        replay: clip.session.replaySource !== null,
      },
    },
    range: {
      unit: "seconds from the start of the session",
      start: r3(clip.startTime),
      end: r3(clip.endTime),
      duration: r3(clip.endTime - clip.startTime),
      startedAt: at(clip.startTime),
      endedAt: at(clip.endTime),
      pendingTrim:
        clip.trimStart !== null && clip.trimEnd !== null ? { start: clip.trimStart, end: clip.trimEnd } : null,
    },
    words: inClip,
    captions: {
      edited: captions.edited,
      cues: captions.cues.map(({ start, end, text }) => ({ start, end, text })),
    },
    exports: clip.exports.map((e) => {
      const preset = EXPORT_PRESETS[e.preset as TExportPreset];
      const width = e.width ?? preset?.width ?? 0;
      const height = e.height ?? preset?.height ?? 0;
      return {
        id: e.id,
        preset: e.preset,
        platform: preset?.label ?? e.preset,
        status: e.status,
        width,
        height,
        duration: e.duration,
        captionsBurnedIn: e.captions,
        captionStyle: e.captions ? e.captionStyle : null,
        ...placement(e.layout, width, height),
      };
    }),
  };
}

export const ZMetadataIds = z
  .string({ error: "Name the clips: ?ids=<id>,<id>,…" })
  .transform((s) => [
    ...new Set(
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(
    z
      .array(z.string())
      .min(1, "Name the clips: ?ids=<id>,<id>,…")
      .max(MAX_BATCH, `At most ${MAX_BATCH} clips at once.`),
  );

/** Several clips in one document, in the order asked; any id not the caller's → 404 (nothing partial). */
export async function clipsMetadata(userId: string, ids: string[]) {
  const owned = await prisma.clip.count({ where: { id: { in: ids }, userId } });
  if (owned !== ids.length) throw new AppError("not_found", "Clip not found.");
  const clips = [];
  for (const id of ids) clips.push(await clipMetadata(userId, id));
  return { format: METADATA_FORMAT, clips: clips.map(({ format: _f, ...c }) => c) };
}
