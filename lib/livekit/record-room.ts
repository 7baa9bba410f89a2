import { inngest } from "@/inngest/client";
import { livekitRotateEvent } from "@/inngest/events";
import { prisma } from "@/lib/db";
import { isRoomLive } from "./is-room-live";
import { startSegmentEgress, stopSegmentEgress } from "./segment-egress";

/** How often a recording room is checked for a publisher between rotations. */
export const ROOM_CHECK_SECONDS = 30;

/** A LIVEKIT session starts: egress 0 now, and the rotation loop (inngest/livekit-egress.ts) for segment 1. */
export async function startRoomRecording(p: { sessionId: string; userId: string; room: string }): Promise<void> {
  await startSegmentEgress({ ...p, number: 0 });
  await inngest.send(livekitRotateEvent({ sessionId: p.sessionId, userId: p.userId, number: 1 }));
}

async function activeSession(sessionId: string) {
  return prisma.liveSession.findFirst({
    where: { id: sessionId, status: "RECORDING" },
    select: { id: true, segmentSeconds: true, streamer: { select: { source: true } } },
  });
}

/**
 * When to look at the room while segment `number - 1` records (every ROOM_CHECK_SECONDS, the last one at its
 * nominal end, when segment `number` must start); null when there is nothing to rotate any more.
 */
export async function rotationPlan(sessionId: string, number: number): Promise<{ checks: string[] } | null> {
  const session = await activeSession(sessionId);
  const previous = await prisma.liveKitEgress.findUnique({
    where: { sessionId_number: { sessionId, number: number - 1 } },
  });
  if (!session || !previous || previous.status !== "ACTIVE" || previous.final) return null;
  const start = previous.startedAt.getTime();
  const checks: string[] = [];
  for (let t = ROOM_CHECK_SECONDS; t < session.segmentSeconds; t += ROOM_CHECK_SECONDS)
    checks.push(new Date(start + t * 1000).toISOString());
  checks.push(new Date(start + session.segmentSeconds * 1000).toISOString());
  return { checks };
}

/**
 * Is the room still live? If nobody publishes any more, the recording egress becomes the session's last:
 * it is marked final and stopped, and its `egress_ended` webhook ends the session.
 */
export async function checkRoomStillLive(sessionId: string, number: number): Promise<"live" | "ended" | "stopped"> {
  const session = await activeSession(sessionId);
  if (!session) return "stopped";
  if ((await isRoomLive(session.streamer.source)).live) return "live";
  const current = await prisma.liveKitEgress.update({
    where: { sessionId_number: { sessionId, number: number - 1 } },
    data: { final: true },
  });
  if (current.status === "ACTIVE") await stopSegmentEgress(current.egressId);
  return "ended";
}

/** Starts segment `number`'s egress while the previous one still records (the overlap). */
export async function startNextSegment(sessionId: string, userId: string, number: number): Promise<boolean> {
  const session = await activeSession(sessionId);
  if (!session) return false;
  const egress = await startSegmentEgress({ sessionId, userId, room: session.streamer.source, number });
  // The session may have ended while the egress started (the room closed): do not leave it running.
  if (!(await activeSession(sessionId))) {
    await stopSegmentEgress(egress.egressId);
    return false;
  }
  return true;
}

/** After the overlap: stops segment `number - 1`; its `egress_ended` webhook turns the file into the segment. */
export async function stopPreviousSegment(sessionId: string, number: number): Promise<void> {
  const previous = await prisma.liveKitEgress.findUnique({
    where: { sessionId_number: { sessionId, number: number - 1 } },
  });
  if (previous?.status === "ACTIVE") await stopSegmentEgress(previous.egressId);
}
