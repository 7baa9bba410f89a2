import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { livekitConfig } from "@/lib/livekit/clients";
import { isRoomLive } from "@/lib/livekit/is-room-live";
import { isEgressSession } from "@/lib/livekit/recorded-by-recorder";
import { startRoomRecording } from "@/lib/livekit/record-room";
import { ownsRoom } from "@/lib/livekit/user-room";
import { isPumpfunLive } from "@/lib/pumpfun/is-pumpfun-live";
import { recordingRefusal } from "@/lib/quotas/recording-refusal";
import { liveChunkSeconds, startRecording, stopRecording } from "@/lib/recorder/client";
import { recorderSourceFor, recordingOutputOf } from "@/lib/recorder/recorder-source";
import { endSession, STOPPED_NOTE } from "@/lib/segments/recorder-events";
import { isSourceLive } from "./is-source-live";

export type TCheckResult = {
  /** `stopped`: live, but the user stopped this broadcast's recording (not recorded again until it ends). */
  status: "live" | "offline" | "recording" | "error" | "skipped" | "stopped";
  sessionId?: string;
  detail?: string;
  /** An error that is the account's recording or storage quota. */
  quota?: boolean;
};

/**
 * Looks at one streamer: if it is live and not being recorded, opens a live session and asks the recorder
 * to record it. At most one active session per streamer, even when checks overlap (row lock + the
 * partial unique index on active sessions). `manual`: the user's Start (lib/recording/recording-control.ts):
 * an unwatched streamer and a broadcast whose recording the user stopped are recorded too.
 */
export async function checkStreamer(
  streamerId: string,
  userId: string,
  { manual = false }: { manual?: boolean } = {},
): Promise<TCheckResult> {
  const streamer = await prisma.streamer.findFirst({ where: { id: streamerId, userId } });
  if (!streamer || streamer.archivedAt) return { status: "skipped" };
  // Its live recording (a replay of an imported recording runs beside it).
  const active = await prisma.liveSession.findFirst({ where: { streamerId, status: "RECORDING", replaySource: null } });
  // A recording in progress is looked after (a pump.fun or LiveKit end is noticed) whether or not it is watched.
  if (!active && !streamer.monitored && !manual) return { status: "skipped" };
  if (active && streamer.kind === "PUMPFUN")
    return stopIfEnded(active.id, await isPumpfunLive(streamer.source), "pump.fun stream ended");
  // A room the recorder records is watched here; an egress session's rotation watches its own room.
  if (active && streamer.kind === "LIVEKIT" && !(await isEgressSession(active.id)))
    return stopIfEnded(active.id, await roomProbe(streamer.source), "the LiveKit room ended");
  if (active) return { status: "recording", sessionId: active.id };

  // A LIVEKIT streamer is live while its room has a publisher; the recorder joins the room as a hidden viewer
  // (or, with LIVEKIT_RECORDING=egress, each segment is a LiveKit file egress).
  const livekit = streamer.kind === "LIVEKIT";
  const egress = livekit && env.LIVEKIT_RECORDING === "egress";
  const detail = livekit ? livekitProblem(userId, streamer.source) : null;
  if (detail) {
    await prisma.streamer.update({
      where: { id: streamer.id },
      data: { status: "ERROR", lastCheckedAt: new Date(), lastError: detail },
    });
    return { status: "error", detail };
  }
  const probe = livekit
    ? await isRoomLive(streamer.source)
    : streamer.kind === "PUMPFUN"
      ? await isPumpfunLive(streamer.source)
      : await isSourceLive(streamer.source);
  const unknown = "unknown" in probe && !!probe.unknown;
  if (!probe.live) {
    await prisma.streamer.update({
      where: { id: streamer.id },
      // pump.fun's API failing is shown (e.g. "pump.fun could not be reached."): offline as far as we know.
      data: {
        status: "OFFLINE",
        lastCheckedAt: new Date(),
        lastError: unknown ? (probe.detail ?? null) : null,
        // Seen offline: the broadcast the user stopped is over, so the next one is recorded.
        ...(unknown ? {} : { recordingStoppedAt: null }),
      },
    });
    return { status: "offline", detail: probe.detail };
  }
  if (streamer.recordingStoppedAt && !manual) {
    await prisma.streamer.update({
      where: { id: streamer.id },
      data: { status: "LIVE", lastCheckedAt: new Date(), lastError: STOPPED_NOTE },
    });
    return { status: "stopped" };
  }

  const started = await prisma.$transaction(async (tx) => {
    // The account's row lock serialises session starts per account, so the quota count below holds.
    await tx.$queryRaw`select id from "user" where id = ${userId} for update`;
    await tx.$queryRaw`select id from "Streamer" where id = ${streamer.id} for update`;
    const existing = await tx.liveSession.findFirst({ where: { streamerId, status: "RECORDING", replaySource: null } });
    if (existing) return null;
    const refusal = await recordingRefusal(userId);
    if (refusal) {
      await tx.streamer.update({
        where: { id: streamer.id },
        data: { status: "ERROR", lastCheckedAt: new Date(), lastError: `Live, not recorded: ${refusal}` },
      });
      return { refusal: `Live, not recorded: ${refusal}` };
    }
    const created = await tx.liveSession.create({
      data: { userId, streamerId, segmentSeconds: streamer.segmentSeconds },
    });
    await tx.streamer.update({
      where: { id: streamer.id },
      data: { status: "LIVE", lastCheckedAt: new Date(), lastError: null, recordingStoppedAt: null },
    });
    return { session: created };
  });
  if (!started) return { status: "recording" };
  if ("refusal" in started) return { status: "error", detail: started.refusal, quota: true };
  const { session } = started;

  try {
    if (egress) await startRoomRecording({ sessionId: session.id, userId, room: streamer.source });
    else {
      await startRecording({
        sessionId: session.id,
        streamerId,
        source: await recorderSourceFor(session.id, streamer),
        segmentSeconds: session.segmentSeconds,
        audioChunkSeconds: liveChunkSeconds(),
        output: recordingOutputOf(streamer),
      });
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await prisma.$transaction([
      prisma.liveSession.update({
        where: { id: session.id },
        data: { status: "FAILED", endedAt: new Date(), endReason: "recorder_unavailable" },
      }),
      prisma.streamer.update({
        where: { id: streamer.id },
        data: { status: "ERROR", lastError: egress ? "LiveKit egress unavailable" : "Recorder unavailable" },
      }),
    ]);
    throw new Error(`could not start recording: ${message}`);
  }
  return { status: "live", sessionId: session.id };
}

/**
 * pump.fun says when a stream ends (its room may linger), and a LiveKit room has ended once nobody publishes
 * in it: such a recording session is stopped; the recorder closes the last segment as final and sends
 * session.ended. A session the recorder does not have (its spool lost) is ended here, so the streamer is not
 * stuck recording. A probe that could not tell (API down) never stops a recording.
 */
async function stopIfEnded(
  sessionId: string,
  probe: { live: boolean; unknown?: boolean; detail?: string },
  ended: string,
): Promise<TCheckResult> {
  if (probe.live || probe.unknown) return { status: "recording", sessionId };
  if (!(await stopRecording(sessionId))) {
    const segments = await prisma.segment.count({ where: { sessionId } });
    await endSession({
      type: "session.ended",
      sessionId,
      reason: "source_ended",
      segments,
      message: `${ended}; the recorder had no recording of it`,
    });
  }
  return { status: "offline", sessionId, detail: probe.detail };
}

/** Why a LIVEKIT streamer cannot be recorded here, or null: no LiveKit server, or a room that is not the user's. */
function livekitProblem(userId: string, room: string): string | null {
  if (!livekitConfig()) return "LiveKit is not configured on this server";
  if (!ownsRoom(userId, room)) {
    return "This LiveKit room is not one of this account's rooms: remove the streamer and add livekit:<room> again";
  }
  return null;
}

/** Whether a recording room still has a publisher; a LiveKit API failure is "unknown", not "ended". */
async function roomProbe(room: string): Promise<{ live: boolean; unknown?: boolean; detail?: string }> {
  try {
    return await isRoomLive(room);
  } catch (err) {
    return { live: false, unknown: true, detail: `LiveKit: ${(err as Error).message}` };
  }
}
