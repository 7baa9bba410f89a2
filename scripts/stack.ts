/**
 * Starts the whole product on this machine: PostgreSQL (embedded unless DATABASE_URL), migrations, the web
 * app, the functions server (the Inngest functions in their own process: lib/jobs/functions-server.ts), the
 * embedded Inngest runner, the recorder, and (unless --no-demo) a demo live stream with a demo account that
 * gets clipped.
 *
 * The web app is the production build (`next build` once, and again only when its sources changed);
 * `--dev` runs `next dev` instead. `--functions separate` (the default with the production build) runs the
 * functions in their own process, which the runner calls; `--functions web` (the default with `--dev`, so
 * function code reloads with the app) has the runner call the web app's /api/inngest. The terminal shows a short activity log (streams going live, segments,
 * clips, errors) and the services' error output; `--verbose` shows everything every process prints.
 *
 *   tsx scripts/stack.ts [--dev] [--verbose] [--ports 3000] [--db clipstream] [--no-demo] [--segment-seconds 30]
 *                        [--functions separate|web]
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { resolveDatabase } from "./lib/database-url";
import { ActivityLog } from "./lib/activity-log";
import { buildIsFresh } from "./lib/build-freshness";
import { startDemoBroadcaster } from "./lib/demo-broadcaster";
import { applyMigrations } from "./lib/migrate";
import { startChild, stopChild, waitForHttp, type TChild } from "./lib/processes";

const { values: args } = parseArgs({
  options: {
    // The production build is the default; --prod stays accepted for older scripts.
    prod: { type: "boolean", default: false },
    dev: { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
    ports: { type: "string" },
    db: { type: "string", default: process.env.CLIPSTREAM_DB_NAME ?? "clipstream" },
    "no-demo": { type: "boolean", default: false },
    "segment-seconds": { type: "string" },
    "data-dir": { type: "string", default: process.env.DATA_DIR ?? ".data" },
    quiet: { type: "boolean", default: false },
    functions: { type: "string" },
  },
});

const DEMO = { email: "demo@clipstream.local", password: "clipstream-demo", name: "Demo" };

const startedAt = Date.now();

async function main() {
  const dataDir = path.resolve(args["data-dir"]!);
  fs.mkdirSync(dataDir, { recursive: true });
  const base = args.ports ? Number(args.ports) : null;
  const ports = base
    ? { web: base, recorder: base + 1, runner: base + 2, demo: base + 3, functions: base + 4 }
    : { web: 3000, recorder: 3100, runner: 8288, demo: 3200, functions: 3300 };
  const appUrl = `http://127.0.0.1:${ports.web}`;
  const prod = !args.dev;
  const functionsMode = args.functions ?? (prod ? "separate" : "web");
  if (functionsMode !== "separate" && functionsMode !== "web")
    throw new Error(`--functions is "separate" or "web", not "${functionsMode}"`);
  const functionsUrl = functionsMode === "separate" ? `http://127.0.0.1:${ports.functions}` : appUrl;

  const db = await resolveDatabase(args.db!);
  const applied = await applyMigrations(db.url);
  const migrations = applied.length === 1 ? `migration ${applied[0]}` : `${applied.length} migrations`;
  log(`database ready${applied.length ? ` (applied ${migrations})` : ""}`);

  const secrets = loadSecrets(dataDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET ?? secrets.auth,
    RECORDER_SECRET: process.env.RECORDER_SECRET ?? secrets.recorder,
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    APP_URL: process.env.APP_URL ?? appUrl,
    PORT: String(ports.web),
    INNGEST_DEV: process.env.INNGEST_DEV ?? `http://127.0.0.1:${ports.runner}`,
    INNGEST_RUNNER_PORT: String(ports.runner),
    INNGEST_SERVE_URL: `${functionsUrl}/api/inngest`,
    FUNCTIONS_PORT: String(ports.functions),
    RECORDER_URL: `http://127.0.0.1:${ports.recorder}`,
    RECORDER_PORT: String(ports.recorder),
    SEGMENT_SECONDS: args["segment-seconds"] ?? process.env.SEGMENT_SECONDS ?? "900",
    // The demo stream and local test streams live on this machine.
    ALLOW_PRIVATE_SOURCES: process.env.ALLOW_PRIVATE_SOURCES ?? "true",
    ALLOW_FILE_SOURCES: process.env.ALLOW_FILE_SOURCES ?? "true",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const quiet = args.quiet;
  // Quiet: nothing. Default: the activity log and each service's error output. Verbose: everything.
  const output = quiet ? "none" : args.verbose ? "all" : "stderr";
  const children: TChild[] = [];
  let activity: ActivityLog | null = null;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("stopping…");
    await activity?.stop();
    await Promise.all(children.map((c) => stopChild(c)));
    await db.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  const bin = (name: string) => path.resolve("node_modules/.bin", name);
  if (prod && !buildIsFresh()) {
    log(
      fs.existsSync(".next/BUILD_ID")
        ? "sources changed since the last build: rebuilding the web app…"
        : "building the web app (next build, once)…",
    );
    const build = startChild("build", bin("next"), ["build"], env, { output: args.verbose ? "all" : "none" });
    if ((await build.exited) !== 0) {
      if (!args.verbose) for (const l of build.tail) console.error(`build    │ ${l}`);
      throw new Error("next build failed");
    }
    log(`built in ${elapsed()}`);
  }
  // The production server `npm start` runs (scripts/serve.mjs: WEB_CONCURRENCY processes on one port).
  const web = prod
    ? startChild("web", process.execPath, ["scripts/serve.mjs", "-p", String(ports.web), "-H", "127.0.0.1"], env, {
        output,
      })
    : startChild("web", bin("next"), ["dev", "-p", String(ports.web), "-H", "127.0.0.1"], env, { output });
  children.push(web);
  // Server modules `import "server-only"`: outside Next they load under the react-server condition.
  if (functionsMode === "separate")
    children.push(
      startChild("functions", bin("tsx"), ["--conditions=react-server", "lib/jobs/functions-server.ts"], env, {
        output,
      }),
    );
  children.push(startChild("runner", bin("tsx"), ["lib/jobs/server.ts"], env, { output }));
  children.push(startChild("recorder", bin("tsx"), ["recorder/main.ts"], env, { output }));
  for (const c of children) {
    void c.exited.then((code) => {
      if (stopping) return;
      if (output === "stderr") for (const l of c.tail.slice(-15)) console.error(`${c.name.padEnd(9)}│ ${l}`);
      log(`${c.name} exited (${code}); stopping the stack`);
      void shutdown(1);
    });
  }

  await waitForHttp(`${appUrl}/api/auth/ok`, 180_000, "web app");
  log(`web app serving ${appUrl} (${elapsed()} after start)`);
  if (functionsMode === "separate") await waitForHttp(`${functionsUrl}/health`, 60_000, "functions server");
  await waitForHttp(`http://127.0.0.1:${ports.runner}/health`, 60_000, "job runner");
  await waitForHttp(`http://127.0.0.1:${ports.recorder}/health`, 60_000, "recorder");

  if (!args["no-demo"]) {
    const sample = path.join(dataDir, "demo/sample.mp4");
    if (!fs.existsSync(sample)) {
      log("generating the demo stream (espeak-ng speech + test video)…");
      const { makeSampleStream } = await import("../lib/media/sample-stream");
      fs.mkdirSync(path.dirname(sample), { recursive: true });
      await makeSampleStream({ out: sample, seconds: 90, excitedAt: 50 });
    }
    const demo = await startDemoBroadcaster({
      sample,
      dir: path.join(dataDir, "demo/live"),
      port: ports.demo,
      env,
      quiet: output !== "all",
    });
    children.push(demo.ffmpeg);
    await waitForHttp(demo.url, 30_000, "demo stream");
    await seedDemo(appUrl, demo.url);
    log(`demo stream live at ${demo.url}`);
  }
  log(`Clipstream is up: ${appUrl}  (demo account ${DEMO.email} / ${DEMO.password})`);
  if (!quiet) {
    activity = new ActivityLog({
      databaseUrl: db.url,
      appUrl,
      print: (line, isError) => (isError ? logError : log)(line),
    });
    await activity.start();
    if (!args.verbose) log("showing streams, segments, clips and errors (--verbose for every process's output)");
  }
  fs.writeFileSync(
    path.join(dataDir, "stack.json"),
    JSON.stringify({ appUrl, functionsUrl, ports, databaseUrl: db.url }, null, 2),
  );
}

/** Creates the demo account and its demo streamer through the public API (idempotent). */
async function seedDemo(appUrl: string, streamUrl: string) {
  const headers = { "content-type": "application/json", origin: appUrl };
  // Sign-up first: on a fresh data directory a sign-in attempt would log "User not found" in the console.
  let res = await fetch(`${appUrl}/api/auth/sign-up/email`, { method: "POST", headers, body: JSON.stringify(DEMO) });
  if (!res.ok)
    res = await fetch(`${appUrl}/api/auth/sign-in/email`, { method: "POST", headers, body: JSON.stringify(DEMO) });
  if (!res.ok) throw new Error(`could not create the demo account: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const add = await fetch(`${appUrl}/api/streamers`, {
    method: "POST",
    headers: { ...headers, cookie },
    body: JSON.stringify({ source: streamUrl, name: "Demo streamer", segmentSeconds: 30 }),
  });
  if (!add.ok && add.status !== 409)
    throw new Error(`could not add the demo streamer: ${add.status} ${await add.text()}`);
}

/** Random secrets made once per data directory, so the production server (--prod) has real ones. */
function loadSecrets(dataDir: string): { auth: string; recorder: string } {
  const file = path.join(dataDir, "secrets.json");
  if (!fs.existsSync(file)) {
    const make = () => crypto.randomBytes(32).toString("base64url");
    fs.writeFileSync(file, JSON.stringify({ auth: make(), recorder: make() }), { mode: 0o600 });
  }
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** Time since the stack started, as m:ss. */
function elapsed(): string {
  const s = Math.round((Date.now() - startedAt) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function log(msg: string) {
  console.log(`\x1b[1mclipstream\x1b[0m│ \x1b[2m${elapsed().padStart(5)}\x1b[0m ${msg}`);
}

function logError(msg: string) {
  console.error(`\x1b[1mclipstream\x1b[0m│ \x1b[2m${elapsed().padStart(5)}\x1b[0m \x1b[31m${msg}\x1b[0m`);
}

main().catch((err) => {
  console.error(`clipstream│ ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
