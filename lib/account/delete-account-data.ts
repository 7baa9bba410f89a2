import "server-only";
import { prisma } from "@/lib/db";
import { recordingSessionSelect, stopRecordings } from "@/lib/recording/stop-recordings";
import { deleteBlobFolders, storageKeys } from "@/lib/storage";

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
  const [sessions, clips, exports] = await Promise.all([
    prisma.liveSession.findMany({ where: { userId }, select: { id: true } }),
    prisma.clip.findMany({ where: { userId }, select: { id: true } }),
    prisma.clipExport.findMany({ where: { userId }, select: { id: true } }),
  ]);
  folders.set(userId, [
    ...sessions.map((s) => storageKeys.sessionFolder(s.id)),
    ...clips.map((c) => storageKeys.clipFolder(c.id)),
    ...exports.map((e) => storageKeys.exportFolder(e.id)),
  ]);
}

/** better-auth's `afterDelete`: the rows are gone, so their files go (a segment stored late is deleted on arrival). */
export async function afterAccountDeleted(userId: string): Promise<number> {
  const mine = folders.get(userId) ?? [];
  folders.delete(userId);
  return deleteBlobFolders(mine);
}
