/**
 * Starts the whole product on this machine: PostgreSQL (embedded unless DATABASE_URL), migrations, the web
 * app, the embedded Inngest runner, the recorder, and (unless --no-demo) a demo live stream with a demo
 * account that gets clipped.
 *
 *   tsx scripts/stack.ts [--prod] [--ports 3000] [--db clipstream] [--no-demo] [--segment-seconds 30]
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { resolveDatabase } from "./lib/database-url";
import { startDemoBroadcaster } from "./lib/demo-broadcaster";
import { applyMigrations } from "./lib/migrate";
import { startChild, stopChild, waitForHttp, type TChild } from "./lib/processes";

const { values: args } = parseArgs({
  options: {
    prod: { type: "boolean", default: false },
    dev: { type: "boolean", default: false },
    ports: { type: "string" },
    db: { type: "string", default: process.env.CLIPSTREAM_DB_NAME ?? "clipstream" },
    "no-demo": { type: "boolean", default: false },
    "segment-seconds": { type: "string" },
    "data-dir": { type: "string", default: process.env.DATA_DIR ?? ".data" },
    quiet: { type: "boolean", default: false },
  },
});

const DEMO = { email: "demo@clipstream.local", password: "clipstream-demo", name: "Demo" };

async function main() {
  const dataDir = path.resolve(args["data-dir"]!);
  fs.mkdirSync(dataDir, { recursive: true });
  const base = args.ports ? Number(args.ports) : null;
  const ports = base
    ? { web: base, recorder: base + 1, runner: base + 2, demo: base + 3 }
    : { web: 3000, recorder: 3100, runner: 8288, demo: 3200 };
  const appUrl = `http://127.0.0.1:${ports.web}`;

  const db = await resolveDatabase(args.db!);
  const applied = await applyMigrations(db.url);
  log(`database ready${applied.length ? ` (applied ${applied.join(", ")})` : ""}`);

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
    INNGEST_SERVE_URL: `${appUrl}/api/inngest`,
    RECORDER_URL: `http://127.0.0.1:${ports.recorder}`,
    RECORDER_PORT: String(ports.recorder),
    SEGMENT_SECONDS: args["segment-seconds"] ?? process.env.SEGMENT_SECONDS ?? "900",
    // The demo stream and local test streams live on this machine.
    ALLOW_PRIVATE_SOURCES: process.env.ALLOW_PRIVATE_SOURCES ?? "true",
    ALLOW_FILE_SOURCES: process.env.ALLOW_FILE_SOURCES ?? "true",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const quiet = args.quiet;
  const children: TChild[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("stopping…");
    await Promise.all(children.map((c) => stopChild(c)));
    await db.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  const bin = (name: string) => path.resolve("node_modules/.bin", name);
  if (args.prod && !fs.existsSync(".next/BUILD_ID")) {
    log("building the web app (next build)…");
    const build = startChild("build", bin("next"), ["build"], env, { quiet });
    if ((await build.exited) !== 0) throw new Error("next build failed");
  }
  // --prod: the production server `npm start` runs (scripts/serve.mjs: WEB_CONCURRENCY processes on one port).
  const web = args.prod
    ? startChild("web", process.execPath, ["scripts/serve.mjs", "-p", String(ports.web), "-H", "127.0.0.1"], env, { quiet })
    : startChild("web", bin("next"), ["dev", "-p", String(ports.web), "-H", "127.0.0.1"], env, { quiet });
  children.push(web);
  children.push(startChild("runner", bin("tsx"), ["lib/jobs/server.ts"], env, { quiet }));
  children.push(startChild("recorder", bin("tsx"), ["recorder/main.ts"], env, { quiet }));
  for (const c of children) {
    void c.exited.then((code) => {
      if (stopping) return;
      log(`${c.name} exited (${code}); stopping the stack`);
      void shutdown(1);
    });
  }

  await waitForHttp(`${appUrl}/api/auth/ok`, 180_000, "web app");
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
    const demo = await startDemoBroadcaster({ sample, dir: path.join(dataDir, "demo/live"), port: ports.demo, env, quiet });
    children.push(demo.ffmpeg);
    await waitForHttp(demo.url, 30_000, "demo stream");
    await seedDemo(appUrl, demo.url);
    log(`demo stream live at ${demo.url}`);
  }
  log(`Clipstream is up: ${appUrl}  (demo account ${DEMO.email} / ${DEMO.password})`);
  fs.writeFileSync(path.join(dataDir, "stack.json"), JSON.stringify({ appUrl, ports, databaseUrl: db.url }, null, 2));
}

/** Creates the demo account and its demo streamer through the public API (idempotent). */
async function seedDemo(appUrl: string, streamUrl: string) {
  const headers = { "content-type": "application/json", origin: appUrl };
  let res = await fetch(`${appUrl}/api/auth/sign-in/email`, { method: "POST", headers, body: JSON.stringify(DEMO) });
  if (!res.ok) res = await fetch(`${appUrl}/api/auth/sign-up/email`, { method: "POST", headers, body: JSON.stringify(DEMO) });
  if (!res.ok) throw new Error(`could not create the demo account: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const add = await fetch(`${appUrl}/api/streamers`, {
    method: "POST",
    headers: { ...headers, cookie },
    body: JSON.stringify({ source: streamUrl, name: "Demo streamer", segmentSeconds: 30 }),
  });
  if (!add.ok && add.status !== 409) throw new Error(`could not add the demo streamer: ${add.status} ${await add.text()}`);
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

function log(msg: string) {
  console.log(`\x1b[1mclipstream\x1b[0m│ ${msg}`);
}

main().catch((err) => {
  console.error(`clipstream│ ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
