import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import type { TAudioChunk, TSegmentRecorded, TSessionEnded } from "@/lib/recorder/protocol";
import { leaseVerdict } from "@/lib/recorder/lease";
import { getStore, storageKeys } from "@/lib/storage";
import { inngest } from "@/inngest/client";
import { audioChunkReady, segmentReady, sessionEnded } from "@/inngest/events";

/**
 * A segment announced by the recorder becomes a READY row (unique on session + number, so a repeated
 * announcement is a no-op) and a `segment/recording.ready` event whose id is derived from the segment,
 * so Inngest deduplicates it too. Re-sending on a duplicate covers a crash between insert and send.
 */
export async function recordSegment(p: TSegmentRecorded): Promise<{ segmentId: string; duplicate: boolean }> {
  const session = await prisma.liveSession.findUnique({
    where: { id: p.sessionId },
    select: { id: true, userId: true, leaseEpoch: true },
  });
  if (!session) return unknownSession(p);
  assertLease(session.leaseEpoch, p.epoch);
  const inserted = await prisma.segment.createMany({
    data: {
      userId: session.userId,
      sessionId: session.id,
      number: p.number,
      startOffset: p.startOffset,
      duration: p.duration,
      storageKey: p.storageKey,
      sizeBytes: p.sizeBytes,
      final: p.final,
      status: "READY",
    },
    skipDuplicates: true,
  });
  const segment = await prisma.segment.findUniqueOrThrow({
    where: { sessionId_number: { sessionId: session.id, number: p.number } },
    select: { id: true, status: true },
  });
  if (inserted.count === 1 || segment.status === "READY") {
    await inngest.send(
      segmentReady.create(
        { segmentId: segment.id, sessionId: session.id, userId: session.userId },
        { id: `segment-ready-${segment.id}` },
      ),
    );
  }
  return { segmentId: segment.id, duplicate: inserted.count === 0 };
}

/**
 * Fencing (lib/recorder/lease.ts): an announcement from a recorder whose lease on the session was taken over is
 * refused, whatever it says, and that recorder stops recording the session. What it stored stays under its own
 * run's keys, so nothing the new owner wrote is touched.
 */
function assertLease(sessionEpoch: number, messageEpoch: number | undefined) {
  if (leaseVerdict(sessionEpoch, messageEpoch) === "stale") {
    throw new AppError(
      "stale_lease",
      `Lease epoch ${messageEpoch} is not the session's (${sessionEpoch}): another recorder records it now.`,
    );
  }
}

/**
 * A segment or audio chunk of a session with no row: its streamer was removed with its clips while the recorder
 * was still storing it. The blob is deleted (no row would ever own it) and the announcement answered 404.
 */
async function unknownSession(p: { sessionId: string; storageKey: string }): Promise<never> {
  if (p.storageKey.startsWith(storageKeys.sessionFolder(p.sessionId))) {
    await getStore()
      .delete(p.storageKey)
      .catch((e) => console.warn(`[recorder] delete orphan ${p.storageKey}: ${e}`));
  }
  throw new AppError("not_found", "Unknown session.");
}

/** Shown on a live streamer whose recording the user stopped. */
export const STOPPED_NOTE = "Recording stopped: this broadcast is not recorded again unless you start it.";

/** Shown on a streamer whose source was a recording, once it has been recorded. */
export const FINITE_SOURCE_NOTE =
  "Recorded once: this source is a recording, not a live stream. Watch it again to record it again.";

export async function endSession(p: TSessionEnded): Promise<void> {
  const session = await prisma.liveSession.findUnique({
    where: { id: p.sessionId },
    select: { id: true, userId: true, streamerId: true, status: true, replaySource: true, leaseEpoch: true },
  });
  if (!session) throw new AppError("not_found", "Unknown session.");
  assertLease(session.leaseEpoch, p.epoch);
  // A replay (an imported recording) says nothing about the streamer's live state.
  const live = session.replaySource === null;
  if (session.status === "RECORDING") {
    await prisma.$transaction([
      prisma.liveSession.update({
        where: { id: session.id },
        data: {
          status: p.reason === "failed" ? "FAILED" : "ENDED",
          endedAt: new Date(),
          endReason: live ? (p.message ?? p.reason) : replayEndReason(p),
        },
      }),
      ...(live ? streamerUpdates(session.streamerId, p) : []),
    ]);
  }
  await inngest.send(
    sessionEnded.create({ sessionId: session.id, userId: session.userId }, { id: `session-ended-${session.id}` }),
  );
}

/** What a replay's end says: read to its end, stopped, or why it failed. */
function replayEndReason(p: TSessionEnded): string {
  if (p.reason === "failed") return p.message ?? "the recording could not be read";
  return p.reason === "stopped" ? "stopped" : "the recording was replayed to its end";
}

/** A live session's end on its streamer: offline (or the failure shown), and a finite source no longer watched. */
function streamerUpdates(streamerId: string, p: TSessionEnded) {
  return [
    // Stopped by the user: the stream is still live, and the row says why it is not recorded.
    prisma.streamer.updateMany({
      where: { id: streamerId, status: "LIVE", recordingStoppedAt: { not: null } },
      data: { lastError: STOPPED_NOTE },
    }),
    prisma.streamer.updateMany({
      where: { id: streamerId, status: "LIVE", recordingStoppedAt: null },
      data: {
        status: p.reason === "failed" ? "ERROR" : "OFFLINE",
        lastError: p.reason === "failed" ? (p.message ?? "Recording failed") : null,
      },
    }),
    // A recording read to its end was recorded once: not probed again (a file stays "live" while it exists)
    // until the user turns watching back on.
    ...(p.finite
      ? [
          prisma.streamer.update({
            where: { id: streamerId },
            data: { monitored: false, status: "OFFLINE", lastError: FINITE_SOURCE_NOTE },
          }),
        ]
      : []),
  ];
}

/**
 * Live audio sent ahead of its segment becomes a PENDING AudioChunk (unique on its storage key, so a resend is
 * a no-op) and an `audio/chunk.ready` event. A chunk whose segment is already being processed is stored as
 * SKIPPED: that segment decodes the stretch itself.
 */
export async function recordAudioChunk(p: TAudioChunk): Promise<{ chunkId: string; duplicate: boolean }> {
  const session = await prisma.liveSession.findUnique({
    where: { id: p.sessionId },
    select: { id: true, userId: true, leaseEpoch: true },
  });
  if (!session) return unknownSession(p);
  assertLease(session.leaseEpoch, p.epoch);
  // The app later deletes this key: it must be one of this session's chunk keys.
  if (!p.storageKey.startsWith(storageKeys.audioChunks(session.id))) {
    throw new AppError("invalid_input", "storageKey is not an audio chunk key of this session.");
  }
  const mid = p.startOffset + p.duration / 2;
  const taken = await prisma.segment.findFirst({
    where: { sessionId: session.id, startOffset: { lte: mid }, status: { in: ["PROCESSING", "DONE", "ERROR"] } },
    orderBy: { startOffset: "desc" },
    select: { startOffset: true, duration: true },
  });
  const late = !!taken && taken.startOffset + taken.duration > mid;
  const inserted = await prisma.audioChunk.createMany({
    data: {
      userId: session.userId,
      sessionId: session.id,
      startOffset: p.startOffset,
      duration: p.duration,
      storageKey: p.storageKey,
      status: late ? "SKIPPED" : "PENDING",
    },
    skipDuplicates: true,
  });
  const chunk = await prisma.audioChunk.findUniqueOrThrow({
    where: { storageKey: p.storageKey },
    select: { id: true, status: true },
  });
  if (chunk.status === "PENDING") {
    await inngest.send(
      audioChunkReady.create(
        { chunkId: chunk.id, sessionId: session.id, userId: session.userId },
        { id: `audio-chunk-${chunk.id}` },
      ),
    );
  }
  return { chunkId: chunk.id, duplicate: inserted.count === 0 };
}
