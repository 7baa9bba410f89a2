import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { recordingSessionSelect, stopRecordings } from "@/lib/recording/stop-recordings";
import { deleteBlobFolders } from "@/lib/storage";
import { ownedBlobFolders } from "@/lib/storage/owned-blob-folders";

/** `DELETE /api/streamers/[id]?clips=keep|delete`: what becomes of the streamer's clips. */
export const ZRemoveStreamer = z.object({
  clips: z.enum(["keep", "delete"], {
    error: "Say what happens to its clips: ?clips=keep keeps them playable and searchable, ?clips=delete removes them.",
  }),
});

export type TRemoveResult = { kept: number; deletedBlobs: number };

/**
 * Removes a streamer. A recording in progress stops first (its LiveKit egress too). Then either:
 * - `keep`: the streamer is archived (gone from the list, never checked again); its sessions and clips stay,
 *   playable and searchable under its name. A streamer with no clips has nothing to keep and goes as with delete.
 * - `delete`: the rows go, and every blob of theirs: segments, audio, live-edge parts and analysis under each
 *   session's folder, each clip's renders, thumbnails and previews, and each export. A segment the stopped
 *   recorder announces afterwards is deleted on arrival (lib/segments/recorder-events.ts).
 */
export async function removeStreamer(
  userId: string,
  id: string,
  mode: z.infer<typeof ZRemoveStreamer>["clips"],
): Promise<TRemoveResult> {
  const streamer = await prisma.streamer.findFirst({
    where: { id, userId, archivedAt: null },
    select: {
      id: true,
      _count: { select: { clips: true } },
      liveSessions: { select: { ...recordingSessionSelect, status: true } },
    },
  });
  if (!streamer) throw new AppError("not_found", "Streamer not found.");
  const recording = streamer.liveSessions.filter((s) => s.status === "RECORDING");
  await stopRecordings(recording, "the streamer was removed");

  if (mode === "keep" && streamer._count.clips > 0) {
    await prisma.streamer.update({
      where: { id },
      data: { archivedAt: new Date(), monitored: false, status: "OFFLINE", lastError: null },
    });
    return { kept: streamer._count.clips, deletedBlobs: 0 };
  }

  const folders = await ownedBlobFolders({ userId, streamerId: id });
  // Rows first (cascading to sessions, segments, clips, exports), so nothing shows media being removed.
  await prisma.streamer.delete({ where: { id } });
  return { kept: 0, deletedBlobs: await deleteBlobFolders(folders) };
}
