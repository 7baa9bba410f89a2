import "server-only";
import { inngest } from "@/inngest/client";
import { streamerCheck } from "@/inngest/events";
import { prisma } from "@/lib/db";
import { recordingSessionSelect, stopRecordings } from "@/lib/recording/stop-recordings";
import { streamerSelect, updateStreamer, type ZUpdateStreamer } from "./streamers";
import type { z } from "zod";

/**
 * PATCH /api/streamers/[id]: the settings, and the watch switch. Turning watching off stops a recording in
 * progress (the last segment closes as final; its clips stay); turning it on clears the last note (such as
 * "Recorded once") and checks the streamer at once instead of at the next 30-s poll.
 */
export async function patchStreamer(userId: string, id: string, input: z.infer<typeof ZUpdateStreamer>) {
  const before = await prisma.streamer.findFirst({
    where: { id, userId, archivedAt: null },
    select: { monitored: true },
  });
  const streamer = await updateStreamer(userId, id, input);
  if (input.monitored === false && before?.monitored) {
    const active = await prisma.liveSession.findMany({
      where: { streamerId: id, userId, status: "RECORDING", replaySource: null },
      select: recordingSessionSelect,
    });
    await stopRecordings(active, "watching turned off");
  }
  if (input.monitored === true && before && !before.monitored) {
    // Cleared before the check is sent, so the check's own result is never overwritten; the page shows
    // "checking…" until it lands (the first check after a null lastCheckedAt is pushed).
    const cleared = await prisma.streamer.update({
      where: { id },
      data: { lastError: null, lastCheckedAt: null },
      select: streamerSelect,
    });
    await inngest.send(streamerCheck.create({ streamerId: id, userId }));
    return cleared;
  }
  return streamer;
}
