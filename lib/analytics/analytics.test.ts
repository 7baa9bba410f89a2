/** Analytics on real PostgreSQL: owner-scoped numbers per day (in the caller's time zone), streamer and session. */
import { beforeAll, describe, expect, it } from "vitest";

let prisma: (typeof import("@/lib/db"))["prisma"];
let a: typeof import("./analytics");

beforeAll(async () => {
  ({ prisma } = await import("@/lib/db"));
  a = await import("./analytics");
});

const T = (iso: string) => new Date(iso);

async function seed() {
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const mk = (name: string) =>
    prisma.user.create({ data: { id: `an-${name}-${stamp}`, name, email: `an-${name}-${stamp}@example.com` } });
  const user = await mk("u");
  const other = await mk("o");
  const streamer = (userId: string, name: string) =>
    prisma.streamer.create({
      data: { userId, name, kind: "URL", source: `https://example.com/${name}-${stamp}.m3u8`, monitored: false },
    });
  const alpha = await streamer(user.id, "Alpha");
  const beta = await streamer(user.id, "Beta");
  const theirs = await streamer(other.id, "Theirs");
  const session = (userId: string, streamerId: string, start: string, end: string, replay = false) =>
    prisma.liveSession.create({
      data: {
        userId,
        streamerId,
        segmentSeconds: 900,
        status: "ENDED",
        startedAt: T(start),
        endedAt: T(end),
        ...(replay ? { replaySource: "https://example.com/vod.m3u8", replayPace: "FAST" as const } : {}),
      },
    });
  // Alpha: 2 h on Dec 1 and 1 h on Dec 2 (UTC); Beta: a replay of 30 min on Dec 2.
  const a1 = await session(user.id, alpha.id, "2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z");
  const a2 = await session(user.id, alpha.id, "2026-12-02T20:00:00Z", "2026-12-02T21:00:00Z");
  const b1 = await session(user.id, beta.id, "2026-12-02T08:00:00Z", "2026-12-02T08:30:00Z", true);
  const t1 = await session(other.id, theirs.id, "2026-12-01T10:00:00Z", "2026-12-01T20:00:00Z");
  let n = 0;
  const clip = (
    s: { id: string; userId: string; streamerId: string; startedAt: Date },
    o: {
      at: string;
      end: number;
      readyAfter?: number;
      review?: "APPROVED" | "REJECTED";
      score: number;
      tags: string[];
      manual?: boolean;
    },
  ) =>
    prisma.clip.create({
      data: {
        userId: s.userId,
        streamerId: s.streamerId,
        sessionId: s.id,
        detectionKey: `k${n++}`,
        origin: o.manual ? "MANUAL" : "LIVE",
        startTime: o.end - 20,
        endTime: o.end,
        title: "t",
        reason: "r",
        score: o.score,
        tags: o.tags,
        engine: "offline",
        status: "READY",
        review: o.review ?? "PENDING",
        createdAt: T(o.at),
        // READY `readyAfter` s after the moment's end (session start + end).
        readyAt: o.readyAfter === undefined ? null : new Date(s.startedAt.getTime() + (o.end + o.readyAfter) * 1000),
      },
    });
  await clip(a1, {
    at: "2026-12-01T10:30:00Z",
    end: 1800,
    readyAfter: 8,
    review: "APPROVED",
    score: 80,
    tags: ["loud", "no-way"],
  });
  await clip(a1, {
    at: "2026-12-01T11:00:00Z",
    end: 3600,
    readyAfter: 12,
    review: "REJECTED",
    score: 40,
    tags: ["hype", "no-way"],
  });
  // 23:30 UTC on Dec 2 is already Dec 3 in Berlin.
  await clip(a2, { at: "2026-12-02T23:30:00Z", end: 600, readyAfter: 20, score: 60, tags: ["loud", "lets-go"] });
  // Not in latency: a manual clip, and a replay's clip.
  await clip(a2, { at: "2026-12-02T20:40:00Z", end: 2400, readyAfter: 3, score: 70, tags: [], manual: true });
  await clip(b1, {
    at: "2026-12-02T08:10:00Z",
    end: 300,
    readyAfter: -200,
    review: "APPROVED",
    score: 90,
    tags: ["loud"],
  });
  await clip(t1, { at: "2026-12-01T12:00:00Z", end: 100, readyAfter: 1, score: 99, tags: ["loud"] });
  return { user, alpha, beta, a1, a2, b1 };
}

describe("analytics", () => {
  it("totals, days, streamers, keywords and signals of the owner only; latency of live detected clips", async () => {
    const s = await seed();
    const r = await a.getAnalytics(s.user.id, a.ZAnalyticsQuery.parse({ from: "2026-12-01", to: "2026-12-03" }));
    expect(r.range).toEqual({ from: "2026-12-01", to: "2026-12-03", tz: "UTC" });
    expect(r.totals).toEqual({
      hoursRecorded: 3.5,
      sessions: 3,
      clips: 5,
      clipsPerHour: 1.43,
      reviewed: 3,
      approvalRate: 0.67,
      averageScore: 68,
      latency: { median: 12, p95: 19.2, clips: 3 },
    });
    expect(r.daily).toEqual([
      { day: "2026-12-01", hoursRecorded: 2, clips: 2, approved: 1, rejected: 1, averageScore: 60, latencyMedian: 10 },
      {
        day: "2026-12-02",
        hoursRecorded: 1.5,
        clips: 3,
        approved: 1,
        rejected: 0,
        averageScore: 73.33,
        latencyMedian: 20,
      },
      {
        day: "2026-12-03",
        hoursRecorded: 0,
        clips: 0,
        approved: 0,
        rejected: 0,
        averageScore: null,
        latencyMedian: null,
      },
    ]);
    expect(r.streamers).toEqual([
      {
        id: s.alpha.id,
        name: "Alpha",
        hoursRecorded: 3,
        clips: 4,
        clipsPerHour: 1.33,
        approvalRate: 0.5,
        averageScore: 62.5,
        latencyMedian: 12,
      },
      {
        id: s.beta.id,
        name: "Beta",
        hoursRecorded: 0.5,
        clips: 1,
        clipsPerHour: 2,
        approvalRate: 1,
        averageScore: 90,
        latencyMedian: null,
      },
    ]);
    expect(r.sessions).toEqual([]);
    expect(r.signals).toEqual([
      { tag: "loud", clips: 3 },
      { tag: "hype", clips: 1 },
    ]);
    expect(r.keywords).toEqual([
      { tag: "no-way", clips: 2 },
      { tag: "lets-go", clips: 1 },
    ]);
  });

  it("counts days in the caller's time zone; narrows to a streamer with its sessions", async () => {
    const s = await seed();
    const r = await a.getAnalytics(
      s.user.id,
      a.ZAnalyticsQuery.parse({ from: "2026-12-02", to: "2026-12-03", tz: "Europe/Berlin", streamerId: s.alpha.id }),
    );
    expect(r.daily.map((d) => [d.day, d.clips, d.hoursRecorded])).toEqual([
      ["2026-12-02", 1, 1],
      ["2026-12-03", 1, 0],
    ]);
    expect(r.sessions.map((x) => [x.startedAt, x.hoursRecorded, x.clips, x.latencyMedian])).toEqual([
      ["2026-12-02T20:00:00.000Z", 1, 2, 20],
    ]);
  });

  it("refuses others' streamers and sessions, long ranges and unknown zones; CSV quotes what a spreadsheet would run", async () => {
    const s = await seed();
    const other = await seed();
    await expect(
      a.getAnalytics(s.user.id, a.ZAnalyticsQuery.parse({ streamerId: other.alpha.id })),
    ).rejects.toMatchObject({ code: "not_found", message: "Streamer not found." });
    await expect(a.getAnalytics(s.user.id, a.ZAnalyticsQuery.parse({ sessionId: other.a1.id }))).rejects.toMatchObject({
      code: "not_found",
      message: "Session not found.",
    });
    await expect(
      a.getAnalytics(s.user.id, a.ZAnalyticsQuery.parse({ from: "2025-01-01", to: "2026-12-01" })),
    ).rejects.toMatchObject({ code: "invalid_input", message: "At most 366 days at once." });
    expect(a.ZAnalyticsQuery.safeParse({ tz: "Mars/Olympus" }).error?.issues[0].message).toBe(
      "tz: not a time zone this server knows.",
    );
    expect(a.ZAnalyticsQuery.safeParse({ from: "2026-12-03", to: "2026-12-01" }).error?.issues[0].message).toBe(
      "from must not be after to.",
    );
    await prisma.streamer.update({ where: { id: s.alpha.id }, data: { name: '=HYPERLINK("x")' } });
    const r = await a.getAnalytics(s.user.id, a.ZAnalyticsQuery.parse({ from: "2026-12-01", to: "2026-12-02" }));
    expect(a.analyticsCsv(r, "daily").split("\r\n")).toEqual([
      "day,hours_recorded,clips,approved,rejected,average_score,latency_median_s",
      "2026-12-01,2,2,1,1,60,10",
      "2026-12-02,1.5,3,1,0,73.33,20",
      "",
    ]);
    expect(a.analyticsCsv(r, "streamers").split("\r\n")[1]).toBe(
      `"'=HYPERLINK(""x"")",${s.alpha.id},3,4,1.33,0.5,62.5,12`,
    );
  });
});
