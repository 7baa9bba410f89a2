import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import type { TFacecamBox } from "@/lib/studio/reframe/facecam-box";

/** PUT (a box) / DELETE (null) /api/streamers/[id]/facecam: stores or clears the streamer's facecam box. */
export async function setFacecam(userId: string, streamerId: string, box: TFacecamBox | null) {
  const { count } = await prisma.streamer.updateMany({
    where: { id: streamerId, userId, archivedAt: null },
    data: { facecamBox: box ?? Prisma.DbNull },
  });
  if (!count) throw new AppError("not_found", "Streamer not found.");
  return { facecamBox: box };
}
