import pg from "pg";

/**
 * The readable log `npm run up` shows instead of every process's output: one line when a stream goes live or
 * ends, one per processed segment, one per clip, one per error. It reads what the pipeline wrote to
 * PostgreSQL, so the services need no log format of their own.
 */

export type TActivity =
  | { kind: "session-live"; id: string; streamer: string; segmentSeconds: number }
  | { kind: "session-ended"; id: string; streamer: string; status: string; reason: string | null }
  | {
      kind: "segment-done";
      id: string;
      streamer: string;
      number: number;
      start: number;
      duration: number;
      tookSeconds: number;
      clips: number;
    }
  | { kind: "segment-error"; id: string; streamer: string; number: number; error: string | null }
  | { kind: "clip-ready"; id: string; streamer: string; title: string; score: number; start: number; end: number }
  | { kind: "clip-error"; id: string; streamer: string; title: string; error: string | null };

const clock = (s: number) => {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
};

/** One line for one activity (no colour, no time prefix). */
export function formatActivity(a: TActivity, appUrl: string): string {
  switch (a.kind) {
    case "session-live":
      return `● ${a.streamer} is live: recording ${a.segmentSeconds} s segments`;
    case "session-ended":
      return `■ ${a.streamer} ${a.status === "FAILED" ? "failed" : "ended"}${a.reason ? `: ${a.reason}` : ""}`;
    case "segment-done":
      return `▤ ${a.streamer} · segment ${a.number} (${clock(a.start)}–${clock(a.start + a.duration)}) processed in ${a.tookSeconds.toFixed(1)} s · ${a.clips} clip${a.clips === 1 ? "" : "s"}`;
    case "segment-error":
      return `✖ ${a.streamer} · segment ${a.number} failed: ${a.error ?? "unknown error"}`;
    case "clip-ready":
      return `✂ clip ready: “${a.title}” · score ${a.score} · ${clock(a.start)}–${clock(a.end)} · ${appUrl}/clips/${a.id}`;
    case "clip-error":
      return `✖ clip “${a.title}” failed to render: ${a.error ?? "unknown error"}`;
  }
}

/** Stable identity of an activity, so a row seen by two overlapping polls prints once. */
export const activityKey = (a: TActivity) => `${a.kind}:${a.id}`;

const WINDOW = "interval '2 minutes'";

/** Runs the queries in turn: a pg.Client runs one query at a time (pg deprecates queueing concurrent ones). */
async function oneAfterAnother<T>(queries: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (const q of queries) out.push(await q());
  return out;
}

/** Everything that happened in the last two minutes (the caller drops what it has printed). */
export async function readRecentActivity(client: pg.Client): Promise<TActivity[]> {
  const [live, ended, done, clips] = await oneAfterAnother([
    () =>
      client.query(
        `select s.id, st.name as streamer, s."segmentSeconds" from "LiveSession" s join "Streamer" st on st.id = s."streamerId"
       where s."startedAt" > now() - ${WINDOW} order by s."startedAt"`,
      ),
    () =>
      client.query(
        `select s.id, st.name as streamer, s.status::text as status, s."endReason" as reason from "LiveSession" s
       join "Streamer" st on st.id = s."streamerId" where s."endedAt" > now() - ${WINDOW} order by s."endedAt"`,
      ),
    () =>
      client.query(
        `select g.id, st.name as streamer, g.number, g."startOffset" as start, g.duration, g.status::text as status, g.error,
              extract(epoch from g."processedAt" - g."recordedAt")::float as took,
              (select count(*)::int from "Clip" c where c."segmentId" = g.id) as clips
       from "Segment" g join "LiveSession" s on s.id = g."sessionId" join "Streamer" st on st.id = s."streamerId"
       where g."processedAt" > now() - ${WINDOW} and g.status in ('DONE', 'ERROR') order by g."processedAt"`,
      ),
    () =>
      client.query(
        `select c.id, st.name as streamer, c.title, c.score, c."startTime" as start, c."endTime" as "end", c.status::text as status, c.error
       from "Clip" c join "Streamer" st on st.id = c."streamerId"
       where c."updatedAt" > now() - ${WINDOW} and c.status in ('READY', 'ERROR') order by c."updatedAt"`,
      ),
  ]);
  return [
    ...live.rows.map((r): TActivity => ({
      kind: "session-live",
      id: r.id,
      streamer: r.streamer,
      segmentSeconds: r.segmentSeconds,
    })),
    ...ended.rows.map((r): TActivity => ({
      kind: "session-ended",
      id: r.id,
      streamer: r.streamer,
      status: r.status,
      reason: r.reason,
    })),
    ...done.rows.map((r): TActivity =>
      r.status === "ERROR"
        ? { kind: "segment-error", id: r.id, streamer: r.streamer, number: r.number, error: r.error }
        : {
            kind: "segment-done",
            id: r.id,
            streamer: r.streamer,
            number: r.number,
            start: r.start,
            duration: r.duration,
            tookSeconds: r.took ?? 0,
            clips: r.clips,
          },
    ),
    ...clips.rows.map((r): TActivity =>
      r.status === "ERROR"
        ? { kind: "clip-error", id: r.id, streamer: r.streamer, title: r.title, error: r.error }
        : {
            kind: "clip-ready",
            id: r.id,
            streamer: r.streamer,
            title: r.title,
            score: r.score,
            start: r.start,
            end: r.end,
          },
    ),
  ];
}

/** Polls the database every `intervalMs` and prints each new activity once. */
export class ActivityLog {
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private client: pg.Client | null = null;

  constructor(
    private readonly opts: {
      databaseUrl: string;
      appUrl: string;
      print: (line: string, isError: boolean) => void;
      intervalMs?: number;
    },
  ) {}

  async start(): Promise<void> {
    this.client = new pg.Client({ connectionString: this.opts.databaseUrl });
    this.client.on("error", () => {}); // a database restart ends the log quietly; the stack reports the rest
    await this.client.connect();
    // What happened before this start (an earlier run of the stack) is not news.
    for (const a of await readRecentActivity(this.client)) this.seen.add(activityKey(a));
    this.timer = setInterval(() => void this.poll(), this.opts.intervalMs ?? 2000);
  }

  private async poll(): Promise<void> {
    if (!this.client) return;
    try {
      for (const a of await readRecentActivity(this.client)) {
        const key = activityKey(a);
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        this.opts.print(
          formatActivity(a, this.opts.appUrl),
          a.kind.endsWith("error") || (a.kind === "session-ended" && a.status === "FAILED"),
        );
      }
    } catch {
      // The database is restarting or stopping: the next poll tries again.
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.client?.end().catch(() => {});
    this.client = null;
  }
}
