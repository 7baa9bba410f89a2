import { execFile, spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { buildIsFresh } from "@/scripts/lib/build-freshness";
import { startChild, stopChild, waitForHttp } from "@/scripts/lib/processes";
import { freePorts } from "@/test/app-server";
import { keepSegmentsProcessing, startJobProcesses, type TFunctionsMode } from "./lib/processing-load";
import { sample, startBenchDb } from "./lib/stack";
import {
  emit,
  machine,
  median,
  progress,
  readCpuTimes,
  round,
  stealPercent,
  summarize,
  treeCpuTicks,
} from "./lib/stats";
import type { TBenchOptions } from "./run";

const CLIPS = 100_000;
const STREAMERS = 5;
const SESSIONS = 50;

type TLoadResult = {
  requests: number;
  non2xx: number;
  errors: number;
  reqPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
};

/** One autocannon run from a separate process (bench/lib/load.ts). */
type TArrivals = "poisson" | "burst";

async function load(cfg: {
  url: string;
  headers: Record<string, string>;
  rate?: number;
  duration: number;
  connections: number;
  arrivals?: TArrivals;
}): Promise<TLoadResult> {
  const { stdout } = await promisify(execFile)("node_modules/.bin/tsx", ["bench/lib/load.ts", JSON.stringify(cfg)], {
    maxBuffer: 1 << 24,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

/** A load run plus the server's own CPU time per request (next-server process tree, /proc), which other
 * work on a shared machine does not inflate much. */
async function measured(serverPid: number, cfg: Parameters<typeof load>[0]) {
  const before = treeCpuTicks(serverPid);
  const cpu = readCpuTimes();
  const r = await load(cfg);
  return {
    ...r,
    serverCpuMsPerRequest: ((treeCpuTicks(serverPid) - before) * 10) / Math.max(1, r.requests),
    stealPercent: stealPercent(cpu, readCpuTimes()),
  };
}

/** Above this much hypervisor steal in a run, the host was busy and the row is not comparable with quiet ones. */
const STEAL_WARN_PERCENT = 5;

/** The worst run's steal, and a warning when the host took that much CPU time from this VM. */
function stealFields(runs: { stealPercent: number }[]) {
  const steal = round(Math.max(...runs.map((x) => x.stealPercent)));
  return {
    stealPercent: steal,
    ...(steal > STEAL_WARN_PERCENT
      ? {
          warning: `the hypervisor took ${steal}% of CPU time during a run (steal): the host was busy, so this row is not comparable with quiet runs`,
        }
      : {}),
  };
}

/** Seeds one user's account with 100k clips over 5 streamers and 50 sessions (24 segments each), in SQL. */
async function seed(client: pg.Client, userId: string) {
  await client.query(
    `insert into "Streamer" (id, "userId", name, kind, source, "updatedAt")
     select 'bs' || g, $1, 'Streamer ' || g, 'URL', 'https://example.com/live/' || g || '.m3u8', now() from generate_series(1, ${STREAMERS}) g`,
    [userId],
  );
  await client.query(
    `insert into "LiveSession" (id, "userId", "streamerId", status, "segmentSeconds", "startedAt", "endedAt")
     select 'bl' || g, $1, 'bs' || (1 + g % ${STREAMERS}), 'ENDED', 900, now() - (g || ' hours')::interval, now() - (g || ' hours')::interval + interval '50 minutes'
     from generate_series(1, ${SESSIONS}) g`,
    [userId],
  );
  await client.query(
    `insert into "Segment" (id, "userId", "sessionId", number, "startOffset", duration, status, progress, "storageKey")
     select 'bg' || s || '-' || n, $1, 'bl' || s, n, n * 900, 900, 'DONE', 1, 'sessions/bl' || s || '/segments/' || n || '.ts'
     from generate_series(1, ${SESSIONS}) s, generate_series(0, 23) n`,
    [userId],
  );
  await client.query(
    `insert into "Clip" (id, "userId", "streamerId", "sessionId", "detectionKey", "startTime", "endTime", title, hook, reason, score, tags, engine, excerpt, status, "videoKey", "thumbKey", duration, "createdAt", "updatedAt")
     select 'bc' || lpad(g::text, 7, '0'), $1, 'bs' || (1 + (g % ${SESSIONS}) % ${STREAMERS}), 'bl' || (1 + g % ${SESSIONS}), 't' || g, g % 20000, g % 20000 + 30,
            'Clip number ' || g, 'What a moment ' || g, 'Loud, excited speech', 40 + g % 60, array['hype', 'clutch'], 'offline',
            'oh my god no way that was insane', 'READY', 'clips/bc' || g || '/clip.mp4', 'clips/bc' || g || '/thumb.jpg', 30,
            now() - (g || ' seconds')::interval, now()
     from generate_series(1, ${CLIPS}) g`,
    [userId],
  );
  await seedTranscripts(client, userId);
  await client.query("analyze");
}

/** Filler speech for seeded transcripts (none of the searched phrase's words). */
const FILLER = [
  "so",
  "the",
  "game",
  "right",
  "now",
  "we",
  "are",
  "going",
  "to",
  "push",
  "this",
  "lane",
  "and",
  "see",
  "what",
  "happens",
  "chat",
  "is",
  "it",
  "okay",
];
/** The phrase only three segments say (search-phrase), at word 200. */
const PHRASE = ["unbelievable", "clutch", "comeback"];

/** A 400-word transcript with word timings for each of the 1,200 segments; three of them say PHRASE. */
async function seedTranscripts(client: pg.Client, userId: string) {
  await client.query(
    `insert into "Transcript" (id, "segmentId", "userId", engine, text, words)
     select 'bt' || s.id, s.id, $1, 'pocketsphinx', string_agg(w.word, ' ' order by w.i),
            jsonb_agg(jsonb_build_object('w', w.word, 's', s."startOffset" + w.i * 2, 'e', s."startOffset" + w.i * 2 + 1.5) order by w.i)
     from "Segment" s cross join lateral (
       select i, case when s.number = 7 and s."sessionId" in ('bl1', 'bl2', 'bl3') and i between 200 and 202 then ($2::text[])[i - 199]
                      else ($3::text[])[1 + (i * 7 + s.number) % ${FILLER.length}] end as word
       from generate_series(0, 399) i) w
     where s."userId" = $1
     group by s.id, s."startOffset"`,
    [userId, PHRASE, FILLER],
  );
}

/**
 * EXPLAIN ANALYZE of the feed's first page and of a deep cursor page: listClips's WHERE, ORDER BY and LIMIT (it
 * wraps them in json_agg with the streamer join; lib/clips/clips.test.ts EXPLAINs the statement it sends).
 */
async function explainFeed(client: pg.Client, userId: string, cursorId: string) {
  const first = await client.query(
    `explain (analyze, format json) select * from "Clip" where "userId" = $1 order by "createdAt" desc, id desc limit 25`,
    [userId],
  );
  // The keyset condition listClips sends (lib/clips/clips.test.ts checks Prisma's own statement's plan).
  const deep = await client.query(
    `explain (analyze, format json) with c as (select "createdAt" as at, id from "Clip" where id = $2)
     select "Clip".* from "Clip", c where "userId" = $1
       and "createdAt" <= c.at and ("createdAt" < c.at or ("createdAt" = c.at and "Clip".id < c.id))
     order by "createdAt" desc, "Clip".id desc limit 25`,
    [userId, cursorId],
  );
  const summary = (r: pg.QueryResult) => {
    const plan = r.rows[0]["QUERY PLAN"][0];
    const nodes: string[] = [];
    const walk = (n: { "Node Type": string; "Index Name"?: string; Plans?: unknown[] }) => {
      nodes.push(n["Index Name"] ? `${n["Node Type"]} on ${n["Index Name"]}` : n["Node Type"]);
      for (const c of (n.Plans ?? []) as (typeof n)[]) walk(c);
    };
    walk(plan.Plan);
    return { executionMs: round(plan["Execution Time"], 3), plan: nodes.join(" > ") };
  };
  return { firstPage: summary(first), deepCursorPage: summary(deep) };
}

/**
 * GET /api/clips (feed, first page and a deep cursor page) and GET /api/dashboard on the production build
 * (`next start`), with 100k clips and 1,200 segment transcripts in the signed-in user's account, under a fixed
 * 200 req/s load from a second process (autocannon), plus the feed's maximum throughput; GET /api/search for a
 * rare phrase, a word every transcript says and a word every clip title has, at 50 req/s.
 */
export async function run(opts: TBenchOptions) {
  const runs = opts.runs ?? 3;
  const duration = opts.full ? 30 : 8;
  const rate = 200;
  const port = Number(process.env.BENCH_API_PORT ?? 4041);
  const appUrl = `http://127.0.0.1:${port}`;
  if (!buildIsFresh()) {
    progress("no production build, or sources changed since the last one: running next build…");
    await new Promise<void>((resolve, reject) =>
      // Build output goes to stderr: stdout carries only the benchmark's JSON.
      spawn("node_modules/.bin/next", ["build"], { stdio: ["ignore", 2, 2] }).on("exit", (c) =>
        c === 0 ? resolve() : reject(new Error("next build failed")),
      ),
    );
  }
  const db = await startBenchDb("clipstream_bench_api", true);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  // The production server `npm start` runs (scripts/serve.mjs, WEB_CONCURRENCY processes). BENCH_CPU_PROF=<dir>:
  // instead one `next start` process writing a V8 CPU profile at exit, to see where a request's time goes.
  const prof = Boolean(process.env.BENCH_CPU_PROF);
  const processes = prof ? 1 : Number(process.env.WEB_CONCURRENCY || Math.min(4, os.availableParallelism()));
  const server = prof
    ? "next start --experimental-cpu-prof"
    : `scripts/serve.mjs, ${processes} process${processes > 1 ? "es" : ""}`;
  // The embedded runner's port (the web sends events there) and the functions server's (api-feed-while-processing).
  const [runnerPort, functionsPort] = await freePorts(2);
  const dataDir = path.resolve(".data/bench/api");
  const appEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: db.url,
    APP_URL: appUrl,
    BETTER_AUTH_SECRET: "bench-auth-secret-0123456789abcdef",
    RECORDER_SECRET: "bench-recorder-secret-0123456789",
    DATA_DIR: dataDir,
    INNGEST_DEV: `http://127.0.0.1:${runnerPort}`,
    ALLOW_FILE_SOURCES: "true",
    ALLOW_PRIVATE_SOURCES: "true",
  };
  const web = startChild(
    "web",
    prof ? "node_modules/.bin/next" : process.execPath,
    prof
      ? ["start", "-p", String(port), "-H", "127.0.0.1", "--experimental-cpu-prof"]
      : ["scripts/serve.mjs", "-p", String(port), "-H", "127.0.0.1"],
    {
      ...appEnv,
      NODE_ENV: "production",
      WEB_CONCURRENCY: String(processes),
      ...(prof ? { NEXT_CPU_PROF_DIR: path.resolve(process.env.BENCH_CPU_PROF!) } : {}),
    },
    { quiet: !process.env.BENCH_VERBOSE },
  );
  try {
    await waitForHttp(`${appUrl}/sign-in`, 60_000, server);
    const account = { email: `bench-${Date.now()}@example.com`, password: "bench-password-1", name: "Bench" };
    const signUp = await fetch(`${appUrl}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: appUrl },
      body: JSON.stringify(account),
    });
    if (!signUp.ok) throw new Error(`sign-up failed: ${signUp.status} ${await signUp.text()}`);
    const userId = ((await signUp.json()) as { user: { id: string } }).user.id;
    // Like a browser: fresh session cookies (including better-auth's short-lived cookie cache) per endpoint.
    const signIn = async () => {
      const res = await fetch(`${appUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: appUrl },
        body: JSON.stringify({ email: account.email, password: account.password }),
      });
      if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
      return {
        cookie: res.headers
          .getSetCookie()
          .map((c) => c.split(";")[0])
          .join("; "),
      };
    };

    progress(`seeding ${CLIPS} clips…`);
    const t = performance.now();
    await seed(client, userId);
    const seedSeconds = round((performance.now() - t) / 1000);
    const cursorId = `bc${String(CLIPS / 2).padStart(7, "0")}`;
    const explain = await explainFeed(client, userId, cursorId);
    // The feed's keyset cursor (lib/clips/clips.ts encodeCursor): the 50 000th clip's createdAt (ms) and id.
    const {
      rows: [cursorRow],
    } = await client.query(`select (extract(epoch from "createdAt") * 1000)::bigint as ms from "Clip" where id = $1`, [
      cursorId,
    ]);
    const cursor = `${cursorRow.ms}_${cursorId}`;

    let headers = await signIn();
    const check = await fetch(`${appUrl}/api/clips`, { headers });
    const page = (await check.json()) as { clips: unknown[] };
    if (!check.ok || page.clips.length !== 24)
      throw new Error(`feed answered ${check.status} with ${page.clips?.length} clips`);
    const found = (await (
      await fetch(`${appUrl}/api/search?q=${encodeURIComponent(PHRASE.join(" "))}`, { headers })
    ).json()) as { moments: { at: number }[] };
    if (found.moments?.length !== 3 || found.moments.some((m) => m.at % 900 !== 400))
      throw new Error(`search found ${JSON.stringify(found).slice(0, 300)}`);

    // Warm-up (JIT, connection pool, Next's route caches); not measured.
    await load({ url: `${appUrl}/api/clips`, headers, duration: 3, connections: 10 });

    // Offered load: Poisson arrivals at `rate` (many independent clients), see bench/lib/load.ts. feed-burst is
    // the same 200 req/s as autocannon's rate limit sends it (each second's requests back to back at its start).
    const endpoints: { name: string; path: string; target?: string; rate?: number; arrivals?: TArrivals }[] = [
      { name: "feed", path: "/api/clips", target: "p95 < 50 ms at 200 req/s" },
      { name: "feed-burst", path: "/api/clips", arrivals: "burst" },
      { name: "feed-deep-cursor", path: `/api/clips?cursor=${cursor}` },
      // The dashboard polls every ~2 s per open tab: 100 req/s is 200 open dashboards (200 req/s is past its
      // capacity on 2 cores, where open-loop arrivals only measure a growing queue).
      { name: "dashboard", path: "/api/dashboard", rate: 100 },
      // Search is typed by people, not polled: 10 req/s offered. A rare phrase (3 of 1,200 transcripts), a word
      // every transcript says, and a word in all 100k clip titles (the worst case for ranking).
      { name: "search-phrase", path: `/api/search?q=${encodeURIComponent(PHRASE.join(" "))}`, rate: 10 },
      { name: "search-common-word", path: "/api/search?q=game", rate: 10 },
      { name: "search-every-title", path: "/api/search?q=number", rate: 10 },
      // The analytics page, opened by people (2 req/s: 120 page opens a minute): its default range (the last 30
      // days, all 100k clips in it), and one streamer (20k clips, with its sessions' table).
      { name: "analytics", path: "/api/analytics", rate: 2 },
      { name: "analytics-streamer", path: "/api/analytics?streamerId=bs1", rate: 2 },
    ];
    // BENCH_API_ONLY=feed,dashboard: only these rows (and api-feed-throughput only if named "throughput").
    const only = process.env.BENCH_API_ONLY?.split(",").map((x) => x.trim());
    for (const e of endpoints.filter((x) => !only || only.includes(x.name))) {
      headers = await signIn();
      // An endpoint answering with an error would measure the error path: every one must answer 200 first.
      const probe = await fetch(`${appUrl}${e.path}`, { headers });
      if (!probe.ok)
        throw new Error(`${e.name}: ${e.path} answered ${probe.status} ${(await probe.text()).slice(0, 200)}`);
      // One request at a time, nothing else running: the floor under the loaded figures.
      const sequential: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        await (await fetch(`${appUrl}${e.path}`, { headers })).arrayBuffer();
        sequential.push(performance.now() - t0);
      }
      const start = machine();
      const arrivals = e.arrivals ?? "poisson";
      const results: Awaited<ReturnType<typeof measured>>[] = [];
      for (let r = 0; r < runs; r++) {
        progress(`api ${e.name}: run ${r + 1}/${runs}, ${e.rate ?? rate} req/s (${arrivals}) for ${duration}s`);
        results.push(
          await measured(web.proc.pid!, {
            url: `${appUrl}${e.path}`,
            headers,
            rate: e.rate ?? rate,
            duration,
            connections: 20,
            arrivals,
          }),
        );
      }
      const p95s = summarize(results.map((x) => x.p95));
      emit({
        name: `api-${e.name}`,
        inputs: {
          path: e.path.replace(/cursor=.*/, "cursor=<50000th clip>"),
          clips: CLIPS,
          transcripts: SESSIONS * 24,
          rate: e.rate ?? rate,
          arrivals,
          durationS: duration,
          connections: 20,
          server,
        },
        runs,
        median: p95s.median,
        p95: p95s.p95,
        unit: "ms (p95 latency per run)",
        ...start,
        ...(e.target ? { target: e.target } : {}),
        p50Ms: round(median(results.map((x) => x.p50))),
        p99Ms: round(median(results.map((x) => x.p99))),
        achievedReqPerSec: round(median(results.map((x) => x.reqPerSec)), 1),
        serverCpuMsPerRequest: round(median(results.map((x) => x.serverCpuMsPerRequest))),
        ...stealFields(results),
        non2xx: results.reduce((n, x) => n + x.non2xx + x.errors, 0),
        unloadedSequentialMs: summarize(sequential),
        ...(e.name === "feed" ? { seedSeconds, explain } : {}),
      });
    }
    if (!only || only.includes("feed-while-processing")) {
      const file = (await sample(60, 25, true)).file;
      // Functions in the web processes (before), then in the functions server (after); BENCH_API_FUNCTIONS=
      // separate,web measures them in the other order (on a shared host, to see what the order does).
      const modes = (process.env.BENCH_API_FUNCTIONS ?? "web,separate").split(",") as TFunctionsMode[];
      if (modes.some((m) => m !== "web" && m !== "separate"))
        throw new Error(`BENCH_API_FUNCTIONS lists "web" and "separate", not ${process.env.BENCH_API_FUNCTIONS}`);
      for (const mode of modes) {
        const jobs = await startJobProcesses({ mode, appUrl, env: appEnv, runnerPort, functionsPort, client });
        try {
          progress(`api feed-while-processing (${mode}): starting 3 segments…`);
          const segments = await keepSegmentsProcessing({
            client,
            appUrl,
            userId,
            storageDir: path.join(dataDir, "blobs"),
            file,
            target: 3,
          });
          headers = await signIn();
          const start = machine();
          const results: Awaited<ReturnType<typeof measured>>[] = [];
          const inFlight: number[] = [];
          for (let r = 0; r < runs; r++) {
            progress(`api feed-while-processing (${mode}): run ${r + 1}/${runs}, ${rate} req/s for ${duration}s`);
            results.push(
              await measured(web.proc.pid!, { url: `${appUrl}/api/clips`, headers, rate, duration, connections: 20 }),
            );
            inFlight.push(segments.inFlight());
          }
          const end = machine();
          await segments.stop();
          const p95s = summarize(results.map((x) => x.p95));
          emit({
            name: "api-feed-while-processing",
            inputs: {
              path: "/api/clips",
              clips: CLIPS,
              functions: mode === "web" ? "in the web processes (/api/inngest)" : "functions server (own process)",
              segmentsProcessing: 3,
              segmentSeconds: 60,
              rate,
              arrivals: "poisson",
              durationS: duration,
              connections: 20,
              server,
            },
            runs,
            median: p95s.median,
            p95: p95s.p95,
            unit: "ms (p95 latency per run)",
            ...start,
            loadavgEnd: end.loadavg,
            p50Ms: round(median(results.map((x) => x.p50))),
            p99Ms: round(median(results.map((x) => x.p99))),
            achievedReqPerSec: round(median(results.map((x) => x.reqPerSec)), 1),
            ...stealFields(results),
            non2xx: results.reduce((n, x) => n + x.non2xx + x.errors, 0),
            segmentsInFlightAfterEachRun: inFlight,
            segmentsStarted: segments.started(),
            segmentsFailed: segments.failed,
          });
        } finally {
          await jobs.stop();
        }
      }
    }
    if (only && !only.includes("throughput")) return;
    headers = await signIn();
    const start = machine();
    const max: Awaited<ReturnType<typeof measured>>[] = [];
    for (let r = 0; r < runs; r++) {
      progress(`api feed max throughput: run ${r + 1}/${runs}`);
      max.push(await measured(web.proc.pid!, { url: `${appUrl}/api/clips`, headers, duration, connections: 20 }));
    }
    const rps = summarize(
      max.map((x) => x.reqPerSec),
      1,
    );
    emit({
      name: "api-feed-throughput",
      inputs: { path: "/api/clips", clips: CLIPS, durationS: duration, connections: 20, server },
      runs,
      median: rps.median,
      p95: rps.p95,
      unit: "req/s",
      ...start,
      p95LatencyMs: round(median(max.map((x) => x.p95))),
      serverCpuMsPerRequest: round(median(max.map((x) => x.serverCpuMsPerRequest))),
      ...stealFields(max),
      non2xx: max.reduce((n, x) => n + x.non2xx + x.errors, 0),
    });
  } finally {
    await stopChild(web);
    await client.end();
    await db.stop();
  }
}
