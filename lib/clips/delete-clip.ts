import "server-only";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { deleteBlobFolders, storageKeys } from "@/lib/storage";

/**
 * DELETE /api/clips/[id]: the owner's clip goes with every file it has: its renders (current and earlier trim
 * versions), thumbnails, preview proxies (`clips/<id>/…`) and its exports with their captions
 * (`exports/<export>/…`). The row goes first, so nothing shows a clip whose files are being removed.
 */
export async function deleteClip(userId: string, clipId: string): Promise<void> {
  const clip = await prisma.clip.findFirst({
    where: { id: clipId, userId },
    select: { id: true, exports: { select: { id: true } } },
  });
  if (!clip) throw new AppError("not_found", "Clip not found.");
  await prisma.clip.delete({ where: { id: clip.id } });
  await deleteBlobFolders([
    storageKeys.clipFolder(clip.id),
    ...clip.exports.map((e) => storageKeys.exportFolder(e.id)),
  ]);
}
