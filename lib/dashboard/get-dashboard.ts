import { listClips, ZClipQuery } from "@/lib/clips/clips";
import { prisma } from "@/lib/db";
import type { LiveSession, Segment } from "@/generated/prisma/client";
import { getLiveEdge } from "@/lib/pipeline/get-live-edge";
import { streamerSelect } from "@/lib/streamers/streamers";

type TDashboardSegment = Pick<
  Segment,
  "id" | "number" | "startOffset" | "duration" | "status" | "stage" | "progress"
> & {
  /** Only for a failed segment (a generic message when none was stored). */
  error: string | null;
  /** Its recording was removed by retention (clips are kept). */
  deleted: boolean;
};
type TSessionRow = Pick<LiveSession, "id" | "status" | "endReason" | "segmentSeconds" | "clipCount" | "replayPace"> & {
  streamer: { id: string; name: string };
  startedAtMs: number;
  endedAtMs: number | null;
  segmentCount: number;
  /** The last 24, oldest first. */
  segments: TDashboardSegment[];
};

/**
 * The 10 newest sessions with their streamer, counts and last 24 segments, as one JSON value built by
 * PostgreSQL: the dashboard is polled every 2 s per open tab, and Prisma's nested include with _count spent
 * 2.4 ms of CPU per poll materialising 240 segment objects (bench:api dashboard). The clip count is the
 * trigger-kept LiveSession.clipCount: counting 2,000 clips in each of 10 sessions took 3.4 ms of SQL per poll.
 */
async function recentSessions(userId: string): Promise<TSessionRow[]> {
  const [{ rows }] = await prisma.$queryRaw<{ rows: TSessionRow[] }[]>`
    select coalesce(json_agg(x order by x."startedAtMs" desc, x.id desc), '[]') as rows from (
      select s.id, json_build_object('id', st.id, 'name', st.name) as streamer, s.status,
             round(extract(epoch from s."startedAt") * 1000)::float8 as "startedAtMs",
             round(extract(epoch from s."endedAt") * 1000)::float8 as "endedAtMs",
             s."endReason", s."segmentSeconds", s."replayPace",
             (select count(*) from "Segment" g where g."sessionId" = s.id)::int as "segmentCount",
             s."clipCount",
             (select coalesce(json_agg(g order by g.number), '[]') from (
                select g.id, g.number, g."startOffset", g.duration, g.status, g.stage, g.progress,
                       case when g.status = 'ERROR' then coalesce(g.error, 'Processing failed') end as error,
                       g."deletedAt" is not null as deleted
                from "Segment" g where g."sessionId" = s.id order by g.number desc limit 24) g) as segments
      from "LiveSession" s join "Streamer" st on st.id = s."streamerId"
      where s."userId" = ${userId}
      order by s."startedAt" desc, s.id desc
      limit 10
    ) x`;
  return rows;
}

/** Everything the live dashboard shows, in one owner-scoped query batch (polled every ~2 s). */
export async function getDashboard(userId: string) {
  const [streamers, sessions, clips] = await Promise.all([
    prisma.streamer.findMany({
      where: { userId, archivedAt: null },
      select: {
        ...streamerSelect,
        _count: { select: { clips: true, liveSessions: { where: { status: "RECORDING", replaySource: null } } } },
      },
      orderBy: { createdAt: "desc" },
    }),
    recentSessions(userId),
    // The feed's first page (the same query the gallery polls).
    listClips(userId, ZClipQuery.parse({ limit: "24" })),
  ]);
  // How far behind live each recording session's live edge is (one query for all of them).
  const edges = await getLiveEdge(
    userId,
    sessions.filter((s) => s.status === "RECORDING").map((s) => s.id),
  );
  return {
    streamers: streamers.map(({ _count, ...s }) => ({
      ...s,
      // The remove dialog offers to keep them.
      clipCount: _count.clips,
      // The row's Record / Stop button.
      recording: _count.liveSessions > 0,
      lastCheckedAt: s.lastCheckedAt?.toISOString() ?? null,
      createdAt: s.createdAt.toISOString(),
    })),
    sessions: sessions.map(({ startedAtMs, endedAtMs, ...s }) => ({
      ...s,
      startedAt: new Date(startedAtMs).toISOString(),
      endedAt: endedAtMs === null ? null : new Date(endedAtMs).toISOString(),
      liveEdge: edges.get(s.id) ?? null,
    })),
    clips: clips.clips,
  };
}
export type TDashboard = Awaited<ReturnType<typeof getDashboard>>;
