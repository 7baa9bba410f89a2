import "server-only";
import crypto from "node:crypto";
import { prisma } from "@/lib/db";
import { toClipDto } from "@/lib/clips/clips";
import { continuousRangeAt, storedSegments } from "@/lib/studio/stored-range";
import { getLiveBuffer } from "./live-buffer";
import { liveClipRange, type TLiveClip } from "./live-clip-range";

const clock = (t: number) => `${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, "0")}`;

/** "Clip that": a manual clip of the last N seconds of the live buffer, range chosen from the manifest. */
export async function createLiveClip(userId: string, sessionId: string, input: TLiveClip) {
  const { session, manifest } = await getLiveBuffer(userId, sessionId);
  const segments = await storedSegments(session.id);
  const range = liveClipRange(manifest, input, (t) => continuousRangeAt(segments, t));
  const clip = await prisma.clip.create({
    data: {
      userId,
      streamerId: session.streamerId,
      sessionId: session.id,
      detectionKey: `manual-${crypto.randomUUID()}`,
      startTime: range.start,
      endTime: range.end,
      title: input.title ?? `Clip that at ${clock(range.end)}`,
      reason: `Clipped live: the last ${input.last} s.`,
      score: 0,
      engine: "manual",
    },
    include: { streamer: { select: { id: true, name: true } } },
  });
  return toClipDto(clip);
}
