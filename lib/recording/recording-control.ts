import "server-only";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { checkStreamer } from "@/lib/live/check-streamer";
import { recordingSessionSelect, stopRecordings } from "./stop-recordings";

/** A recording in progress, as the recording API shows it. */
export type TRecording = {
  sessionId: string;
  streamer: { id: string; name: string; kind: string };
  state: "recording";
  startedAt: string;
  /** Seconds since the recording started. */
  durationSeconds: number;
  /** Stream seconds stored in segments so far. */
  recordedSeconds: number;
  /** Bytes of the segments stored so far. */
  bytes: number;
  segments: number;
  clips: number;
  /** An imported recording being replayed (fast, or in real time), or null for a live recording. */
  replay: { pace: "fast" | "live" } | null;
};

/** The user's streamer (not removed), or a 404 AppError. */
export async function ownStreamer(userId: string, streamerId: string) {
  const streamer = await prisma.streamer.findFirst({
    where: { id: streamerId, userId, archivedAt: null },
    select: { id: true, name: true },
  });
  if (!streamer) throw new AppError("not_found", "Streamer not found.");
  return streamer;
}

/**
 * The recordings in progress of an account (`streamerId`: of one streamer), with what each has stored:
 * segments, their bytes and stream seconds, and its clips so far.
 */
export async function listRecordings(userId: string, streamerId?: string): Promise<TRecording[]> {
  const sessions = await prisma.liveSession.findMany({
    where: { userId, status: "RECORDING", ...(streamerId ? { streamerId } : {}) },
    orderBy: { startedAt: "desc" },
    select: {
      id: true,
      startedAt: true,
      clipCount: true,
      replayPace: true,
      streamer: { select: { id: true, name: true, kind: true } },
    },
  });
  if (!sessions.length) return [];
  const stored = await prisma.segment.groupBy({
    by: ["sessionId"],
    where: { sessionId: { in: sessions.map((s) => s.id) } },
    _count: { _all: true },
    _sum: { sizeBytes: true, duration: true },
  });
  const bySession = new Map(stored.map((g) => [g.sessionId, g]));
  const now = Date.now();
  return sessions.map((s) => {
    const g = bySession.get(s.id);
    return {
      sessionId: s.id,
      streamer: s.streamer,
      state: "recording" as const,
      startedAt: s.startedAt.toISOString(),
      durationSeconds: Math.max(0, Math.round((now - s.startedAt.getTime()) / 1000)),
      recordedSeconds: Math.round(g?._sum.duration ?? 0),
      bytes: g?._sum.sizeBytes ?? 0,
      segments: g?._count._all ?? 0,
      clips: s.clipCount,
      replay: s.replayPace ? { pace: s.replayPace === "FAST" ? ("fast" as const) : ("live" as const) } : null,
    };
  });
}

/** `GET /api/streamers/[id]/recording`: the streamer's live recording in progress, or null. */
export async function recordingStatus(userId: string, streamerId: string): Promise<TRecording | null> {
  await ownStreamer(userId, streamerId);
  return (await listRecordings(userId, streamerId)).find((r) => !r.replay) ?? null;
}

/**
 * `POST /api/streamers/[id]/recording`: records the streamer now, without waiting for the poll, whether it is
 * watched or not, and even if the user stopped this broadcast before. 409 when it is already recording or not
 * live (with the reason the check gave), 403 past the account's recording quota, 503 when the recorder is down.
 */
export async function startRecordingNow(userId: string, streamerId: string): Promise<TRecording> {
  const streamer = await ownStreamer(userId, streamerId);
  if ((await listRecordings(userId, streamerId)).some((r) => !r.replay)) {
    throw new AppError("already_recording", `${streamer.name} is already being recorded.`);
  }
  const result = await checkStreamer(streamerId, userId, { manual: true }).catch((err: unknown) => {
    console.warn(`[recording] start ${streamerId}: ${err}`);
    throw new AppError("unavailable", "The recorder could not be reached; try again in a moment.");
  });
  if (result.status === "offline") {
    throw new AppError("not_live", `${streamer.name} is not live${result.detail ? ` (${result.detail})` : ""}.`);
  }
  if (result.status === "recording") {
    throw new AppError("already_recording", `${streamer.name} is already being recorded.`);
  }
  if (result.status === "error") {
    throw new AppError(result.quota ? "quota_exceeded" : "conflict", result.detail ?? "It could not be recorded.");
  }
  const recording = (await listRecordings(userId, streamerId)).find((r) => !r.replay);
  if (!recording) throw new AppError("conflict", `${streamer.name} could not be recorded.`);
  return recording;
}

/**
 * `DELETE /api/streamers/[id]/recording`: stops the recording in progress (the last segment closes as final and
 * its clips are made as usual). The poll does not record this broadcast again until it has seen the source
 * offline; Start records it again. 409 when nothing is recording.
 */
export async function stopRecordingNow(userId: string, streamerId: string): Promise<{ stopped: string }> {
  const streamer = await ownStreamer(userId, streamerId);
  const active = await prisma.liveSession.findFirst({
    where: { userId, streamerId, status: "RECORDING", replaySource: null },
    select: recordingSessionSelect,
  });
  if (!active) throw new AppError("not_recording", `${streamer.name} is not being recorded.`);
  await prisma.streamer.update({ where: { id: streamerId }, data: { recordingStoppedAt: new Date() } });
  await stopRecordings([active], "stopped by the user");
  return { stopped: active.id };
}

/**
 * `DELETE /api/sessions/[id]/recording`: stops one recording session by its id — a replay of an imported
 * recording, or a live recording (which then behaves as Stop on its streamer). 404 for someone else's or an
 * unknown session, 409 when it is not recording.
 */
export async function stopSessionNow(userId: string, sessionId: string): Promise<{ stopped: string }> {
  const session = await prisma.liveSession.findFirst({
    where: { id: sessionId, userId },
    select: { ...recordingSessionSelect, status: true, replaySource: true, streamerId: true },
  });
  if (!session) throw new AppError("not_found", "Session not found.");
  if (session.status !== "RECORDING") throw new AppError("not_recording", "This session is not recording.");
  if (session.replaySource === null) {
    await prisma.streamer.update({ where: { id: session.streamerId }, data: { recordingStoppedAt: new Date() } });
  }
  await stopRecordings([session], "stopped by the user");
  return { stopped: session.id };
}
