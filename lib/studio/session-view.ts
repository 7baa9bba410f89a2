import crypto from "node:crypto";
import { z } from "zod";
import { prisma } from "@/lib/db";
import { toClipDto } from "@/lib/clips/clips";
import { AppError } from "@/lib/http/errors";
import { getLiveEdge } from "@/lib/pipeline/get-live-edge";
import { sessionActivity } from "@/lib/pumpfun/session-activity";
import { loudnessPeaks } from "./loudness";
import { validateRange, ZRange } from "./trim-clip";

/** At most this many loudness buckets over a whole session (≥ 1 per second for sessions up to 20 min). */
const MAX_BUCKETS = 1200;

/**
 * The session view: segments, clips and a loudness strip over the whole session (stream time); while it
 * records, how far its live edge is behind live (`liveEdge`, null when it keeps up without chunks yet).
 */
export async function getSessionView(userId: string, sessionId: string) {
  const s = await prisma.liveSession.findFirst({
    where: { id: sessionId, userId },
    include: {
      streamer: { select: { id: true, name: true } },
      segments: {
        orderBy: { number: "asc" },
        select: {
          id: true,
          number: true,
          startOffset: true,
          duration: true,
          status: true,
          storageKey: true,
          deletedAt: true,
        },
      },
      clips: { orderBy: { startTime: "asc" }, include: { streamer: { select: { id: true, name: true } } } },
    },
  });
  if (!s) throw new AppError("not_found", "Session not found.");
  const duration = s.segments.reduce((m, g) => Math.max(m, g.startOffset + g.duration), 0);
  const buckets = Math.max(1, Math.min(MAX_BUCKETS, Math.ceil(duration)));
  return {
    session: {
      id: s.id,
      streamer: s.streamer,
      status: s.status,
      // An imported recording's replay (FAST has no live edge to watch), or null for a live session.
      replayPace: s.replayPace,
      startedAt: s.startedAt.toISOString(),
      endedAt: s.endedAt?.toISOString() ?? null,
      duration,
    },
    segments: s.segments.map((g) => ({
      id: g.id,
      number: g.number,
      startOffset: g.startOffset,
      duration: g.duration,
      status: g.status,
      stored: !!g.storageKey && !g.deletedAt,
    })),
    clips: s.clips.map((c) => toClipDto(c)),
    loudness: duration > 0 ? await loudnessPeaks(s.id, 0, duration, buckets) : [],
    liveEdge: s.status === "RECORDING" ? ((await getLiveEdge(userId, [s.id])).get(s.id) ?? null) : null,
    // A pump.fun coin's trades, market cap and chat over the session (decision 024); null for other streams.
    activity: await sessionActivity(userId, s.id, duration),
  };
}
export type TSessionView = Awaited<ReturnType<typeof getSessionView>>;

export const ZManualClip = ZRange.extend({ title: z.string().trim().min(1).max(120).optional() }).strict();

/** A clip the user cut by hand from any stored range of the session; rendered like a detected one. */
export async function createManualClip(userId: string, sessionId: string, input: z.infer<typeof ZManualClip>) {
  const s = await prisma.liveSession.findFirst({
    where: { id: sessionId, userId },
    select: { id: true, streamerId: true },
  });
  if (!s) throw new AppError("not_found", "Session not found.");
  const range = await validateRange(s.id, { start: input.start, end: input.end });
  const clock = (t: number) => `${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, "0")}`;
  const clip = await prisma.clip.create({
    data: {
      userId,
      streamerId: s.streamerId,
      sessionId: s.id,
      detectionKey: `manual-${crypto.randomUUID()}`,
      origin: "MANUAL",
      startTime: range.start,
      endTime: range.end,
      title: input.title ?? `Clip at ${clock(range.start)}`,
      reason: "Cut by hand in the session view.",
      score: 0,
      engine: "manual",
    },
    include: { streamer: { select: { id: true, name: true } } },
  });
  return toClipDto(clip);
}
