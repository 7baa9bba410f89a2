import "server-only";
import { prisma } from "@/lib/db";
import { recordingSessionSelect, stopRecordings } from "@/lib/recording/stop-recordings";
import { deleteBlobFolders } from "@/lib/storage";
import { ownedBlobFolders } from "@/lib/storage/owned-blob-folders";

/** Blob folders of accounts being deleted, from better-auth's beforeDelete to its afterDelete (one request). */
const folders = new Map<string, string[]>();

/**
 * better-auth's `beforeDelete`: the account's recordings stop, and the folders of everything it stored are
 * noted (the rows that name them go with the user row: streamers, sessions, segments, clips, exports).
 */
export async function beforeAccountDeleted(userId: string): Promise<void> {
  const recording = await prisma.liveSession.findMany({
    where: { userId, status: "RECORDING" },
    select: recordingSessionSelect,
  });
  await stopRecordings(recording, "the account was deleted");
  folders.set(userId, await ownedBlobFolders({ userId }));
}

/** better-auth's `afterDelete`: the rows are gone, so their files go (a segment stored late is deleted on arrival). */
export async function afterAccountDeleted(userId: string): Promise<number> {
  const mine = folders.get(userId) ?? [];
  folders.delete(userId);
  return deleteBlobFolders(mine);
}
