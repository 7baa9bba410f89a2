import { prisma } from "@/lib/db";
import { toClipDto } from "@/lib/clips/clips";
import { streamerSelect } from "@/lib/streamers/streamers";

/** Everything the live dashboard shows, in one owner-scoped query batch (polled every ~2 s). */
export async function getDashboard(userId: string) {
  const [streamers, sessions, clips] = await Promise.all([
    prisma.streamer.findMany({ where: { userId }, select: streamerSelect, orderBy: { createdAt: "desc" } }),
    prisma.liveSession.findMany({
      where: { userId },
      orderBy: { startedAt: "desc" },
      take: 10,
      include: {
        streamer: { select: { id: true, name: true } },
        segments: {
          orderBy: { number: "desc" },
          take: 24,
          select: { id: true, number: true, startOffset: true, duration: true, status: true, stage: true, progress: true, error: true, deletedAt: true },
        },
        _count: { select: { segments: true, clips: true } },
      },
    }),
    prisma.clip.findMany({
      where: { userId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 24,
      include: { streamer: { select: { id: true, name: true } } },
    }),
  ]);
  return {
    streamers: streamers.map((s) => ({ ...s, lastCheckedAt: s.lastCheckedAt?.toISOString() ?? null, createdAt: s.createdAt.toISOString() })),
    sessions: sessions.map((s) => ({
      id: s.id,
      streamer: s.streamer,
      status: s.status,
      startedAt: s.startedAt.toISOString(),
      endedAt: s.endedAt?.toISOString() ?? null,
      endReason: s.endReason,
      segmentSeconds: s.segmentSeconds,
      segmentCount: s._count.segments,
      clipCount: s._count.clips,
      segments: s.segments
        .map((g) => ({ ...g, error: g.status === "ERROR" ? (g.error ?? "Processing failed") : null, deleted: !!g.deletedAt, deletedAt: undefined }))
        .reverse(),
    })),
    clips: clips.map((c) => toClipDto(c)),
  };
}
export type TDashboard = Awaited<ReturnType<typeof getDashboard>>;
