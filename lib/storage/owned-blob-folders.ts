import "server-only";
import { prisma } from "@/lib/db";
import { storageKeys } from "./index";

/**
 * The blob folders of everything an account (or one of its streamers) stored: each session's folder
 * (segments, audio, live parts, uploads), each clip's (renders, thumbnails, previews) and each export's. Read
 * before the rows go, so the folders can be deleted once they have.
 */
export async function ownedBlobFolders(where: { userId: string; streamerId?: string }): Promise<string[]> {
  const [sessions, clips, exports] = await Promise.all([
    prisma.liveSession.findMany({ where, select: { id: true } }),
    prisma.clip.findMany({ where, select: { id: true } }),
    prisma.clipExport.findMany({
      where: where.streamerId ? { userId: where.userId, clip: { streamerId: where.streamerId } } : where,
      select: { id: true },
    }),
  ]);
  return [
    ...sessions.map((s) => storageKeys.sessionFolder(s.id)),
    ...clips.map((c) => storageKeys.clipFolder(c.id)),
    ...exports.map((e) => storageKeys.exportFolder(e.id)),
  ];
}
