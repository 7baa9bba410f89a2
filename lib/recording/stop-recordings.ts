import "server-only";
import { prisma } from "@/lib/db";
import { stopSegmentEgress } from "@/lib/livekit/segment-egress";
import { stopRecording } from "@/lib/recorder/client";
import { endSession } from "@/lib/segments/recorder-events";

/** What stopping needs of a recording session: its id and its LiveKit egresses still running. */
export const recordingSessionSelect = {
  id: true,
  livekitEgresses: { where: { status: "ACTIVE" }, select: { egressId: true } },
} as const;

type TRecordingSession = { id: string; livekitEgresses: { egressId: string }[] };

/**
 * Stops recording sessions: the recorder closes each one's last segment as final and sends session.ended (its
 * clips are made as usual); a LiveKit egress is stopped and its webhook ends the session. A session the
 * recorder no longer has (its spool lost) is ended here, so it does not stay RECORDING. A recorder that
 * cannot be reached is logged, not thrown: the session ends when the recorder next reports.
 */
export async function stopRecordings(sessions: TRecordingSession[], why: string): Promise<void> {
  await Promise.all(
    sessions.map(async (s) => {
      const egresses = s.livekitEgresses.map((e) =>
        stopSegmentEgress(e.egressId).catch((err) => console.warn(`[recording] stop egress ${e.egressId}: ${err}`)),
      );
      if (s.livekitEgresses.length) return void (await Promise.all(egresses));
      const had = await stopRecording(s.id).catch((e) => {
        console.warn(`[recording] stop ${s.id}: ${e}`);
        return true;
      });
      if (!had) {
        const segments = await prisma.segment.count({ where: { sessionId: s.id } });
        await endSession({ type: "session.ended", sessionId: s.id, reason: "stopped", segments, message: why });
      }
    }),
  );
}
