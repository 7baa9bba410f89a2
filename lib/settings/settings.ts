import { z } from "zod";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";

/** Raw recordings are kept between 1 hour and 30 days; clips are never purged by retention. */
export const ZUpdateSettings = z
  .object({
    retentionHours: z.number().int().min(1).max(720),
  })
  .partial()
  .strict();
export type TUpdateSettings = z.infer<typeof ZUpdateSettings>;

const settingsSelect = { retentionHours: true } as const;

export async function getSettings(userId: string) {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: settingsSelect });
  if (!user) throw new AppError("not_found", "User not found.");
  return user;
}

export async function updateSettings(userId: string, input: TUpdateSettings) {
  const res = await prisma.user.updateMany({ where: { id: userId }, data: input });
  if (res.count === 0) throw new AppError("not_found", "User not found.");
  return getSettings(userId);
}
