import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { mediaUrl } from "@/lib/media-url";

const abs = (p: string | null) => (p ? new URL(p, env.APP_URL).toString() : null);
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The `data` of an event, as the object is now (the first attempt's time; kept for the retries). An object
 * deleted before the first attempt is described by its id and `deleted: true`.
 */
export async function eventData(type: string, objectId: string, userId: string): Promise<Record<string, unknown>> {
  if (type === "clip.ready" || type === "clip.reviewed") {
    const c = await prisma.clip.findFirst({
      where: { id: objectId, userId },
      include: { streamer: { select: { id: true, name: true } } },
    });
    if (!c) return { clip: { id: objectId, deleted: true } };
    return {
      clip: {
        id: c.id,
        title: c.title,
        hook: c.hook,
        reason: c.reason,
        score: c.score,
        tags: c.tags,
        origin: c.origin,
        status: c.status,
        review: c.review,
        favorite: c.favorite,
        sessionId: c.sessionId,
        streamer: c.streamer,
        // Stream time: seconds from the start of the recording session.
        start: r3(c.startTime),
        end: r3(c.endTime),
        duration: r3(c.duration ?? c.endTime - c.startTime),
        engine: c.engine,
        url: abs(`/clips/${c.id}`),
        // Signed, valid for 6 hours.
        videoUrl: c.status === "READY" ? abs(mediaUrl(c.videoKey)) : null,
        thumbnailUrl: c.status === "READY" ? abs(mediaUrl(c.thumbKey)) : null,
        createdAt: c.createdAt.toISOString(),
        reviewedAt: c.reviewedAt?.toISOString() ?? null,
      },
    };
  }
  if (type === "session.started" || type === "session.ended") {
    const s = await prisma.liveSession.findFirst({
      where: { id: objectId, userId },
      include: { streamer: { select: { id: true, name: true } }, _count: { select: { segments: true } } },
    });
    if (!s) return { session: { id: objectId, deleted: true } };
    return {
      session: {
        id: s.id,
        status: s.status,
        streamer: s.streamer,
        replay: s.replaySource !== null,
        startedAt: s.startedAt.toISOString(),
        endedAt: s.endedAt?.toISOString() ?? null,
        endReason: s.endReason,
        segments: s._count.segments,
        clips: s.clipCount,
        url: abs(`/sessions/${s.id}`),
      },
    };
  }
  if (type === "segment.failed") {
    const g = await prisma.segment.findFirst({ where: { id: objectId, userId } });
    if (!g) return { segment: { id: objectId, deleted: true } };
    return {
      segment: {
        id: g.id,
        sessionId: g.sessionId,
        number: g.number,
        start: r3(g.startOffset),
        duration: r3(g.duration),
        status: g.status,
        error: g.error,
        url: abs(`/sessions/${g.sessionId}`),
      },
    };
  }
  return { message: "A test delivery from Clipstream." };
}
