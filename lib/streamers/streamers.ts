import { z } from "zod";
import { assertOutputAvailable } from "@/lib/recording/recording-formats";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { assertWithinQuota } from "@/lib/quotas/assert-within-quota";
import { parseSource } from "./parse-source";

/** Users may go down to 30 s segments; the operator default (SEGMENT_SECONDS) may be lower for tests and demos. */
const minSegmentSeconds = () => Math.min(30, env.SEGMENT_SECONDS);

export const ZCreateStreamer = z.object({
  source: z.string().max(4096),
  name: z.string().trim().min(1).max(80).optional(),
  segmentSeconds: z.number().int().max(3600).optional(),
});
export type TCreateStreamer = z.infer<typeof ZCreateStreamer>;

export const ZUpdateStreamer = z
  .object({
    name: z.string().trim().min(1).max(80),
    monitored: z.boolean(),
    segmentSeconds: z.number().int().max(3600),
    minClipSeconds: z.number().int().min(5).max(180),
    maxClipSeconds: z.number().int().min(5).max(180),
    minScore: z.number().int().min(0).max(100),
    keywords: z.array(z.string().trim().min(1).max(40)).max(30),
    /** Empty string or null clears it. */
    customPrompt: z
      .string()
      .trim()
      .max(1000)
      .nullable()
      .transform((v) => v || null),
    /** What recordings are stored as (GET /api/recording/formats), from the next recording on. */
    recordOutput: z.enum(["copy", "mp4", "webm", "av1"]),
    recordQuality: z.enum(["low", "medium", "high"]),
    /** Notify the owner's devices when a clip of this streamer is ready. */
    notify: z.boolean(),
  })
  .partial()
  .strict();

function checkSegmentSeconds(v: number | undefined) {
  if (v !== undefined && v < minSegmentSeconds()) {
    throw new AppError("invalid_input", `segmentSeconds: must be at least ${minSegmentSeconds()} seconds.`);
  }
}

export const streamerSelect = {
  id: true,
  name: true,
  kind: true,
  source: true,
  monitored: true,
  status: true,
  lastCheckedAt: true,
  lastError: true,
  segmentSeconds: true,
  minClipSeconds: true,
  maxClipSeconds: true,
  minScore: true,
  keywords: true,
  customPrompt: true,
  recordOutput: true,
  recordQuality: true,
  notify: true,
  createdAt: true,
} as const;

export async function createStreamer(userId: string, input: TCreateStreamer) {
  checkSegmentSeconds(input.segmentSeconds);
  const parsed = await parseSource(input.source, userId);
  const duplicate = await prisma.streamer.findFirst({
    where: { userId, source: parsed.source, archivedAt: null },
    select: { id: true },
  });
  if (duplicate) throw new AppError("conflict", "You already added this stream.");
  await assertWithinQuota(userId, "streamers");
  return prisma.streamer.create({
    data: {
      userId,
      kind: parsed.kind,
      source: parsed.source,
      name: input.name ?? parsed.suggestedName,
      segmentSeconds: input.segmentSeconds ?? env.SEGMENT_SECONDS,
    },
    select: streamerSelect,
  });
}

export async function updateStreamer(userId: string, id: string, input: z.infer<typeof ZUpdateStreamer>) {
  checkSegmentSeconds(input.segmentSeconds);
  const current = await prisma.streamer.findFirst({
    where: { id, userId, archivedAt: null },
    select: { minClipSeconds: true, maxClipSeconds: true, kind: true },
  });
  if (!current) throw new AppError("not_found", "Streamer not found.");
  if (input.recordOutput) await assertOutputAvailable(input.recordOutput, current.kind);
  const min = input.minClipSeconds ?? current.minClipSeconds;
  const max = input.maxClipSeconds ?? current.maxClipSeconds;
  if (min > max) throw new AppError("invalid_input", "minClipSeconds must not exceed maxClipSeconds.");
  return prisma.streamer.update({ where: { id }, data: input, select: streamerSelect });
}
