/**
 * A rehearsal of deploy/compose.yaml without a Docker engine (none runs here; decision 029): each of Clipstream's
 * containers (migrate, functions, web, recorder-1, recorder-2) is its image's command (or the service's) run as a
 * local process, from a directory holding only what its Dockerfile COPYs (.dockerignore applied; node_modules
 * and generated/ are what the image's npm install makes, the web app's .next the `next build` its RUN makes), with
 * the image's ENV and the service's environment, as an unprivileged user (nobody, when the test runs as root) over
 * a fresh data directory it owns. The services that are not ours are played by what runs here: embedded
 * PostgreSQL (a fresh database), s3rver for MinIO (the bucket made as minio-init makes it), and the embedded
 * runner for the Inngest server (`inngest start` cannot be installed here). Service hostnames become 127.0.0.1 with
 * free ports. Then each image's HEALTHCHECK command must succeed, both recorders must have registered with the
 * app, and the functions server must refuse an unsigned call, as in production.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import dockerignore from "@balena/dockerignore";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIsFresh } from "@/scripts/lib/build-freshness";
import { freePorts } from "./app-server";
import {
  ROOT,
  imageCopies,
  readCompose,
  sampleDotEnv,
  serviceImage,
  type TComposeService,
  type TImage,
} from "./fixtures/compose-deployment";
import { waitFor } from "./support";

// MinIO's root user is s3rver's own (it checks every request's SigV4 signature with it).
const dotEnv: Record<string, string> = { ...sampleDotEnv(), MINIO_ROOT_USER: "S3RVER", MINIO_ROOT_PASSWORD: "S3RVER" };
const compose = readCompose(dotEnv);
const OURS = ["migrate", "functions", "web", "recorder-1", "recorder-2"];
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const work = path.join(ROOT, ".data", `compose-rehearsal-${process.pid}`);
const ignore = dockerignore().add(fs.readFileSync(path.join(ROOT, ".dockerignore"), "utf8").split("\n"));

type TProc = { name: string; child: ChildProcess; output: string[] };
const procs: TProc[] = [];
let port: Record<string, number> = {};
let databaseUrl = "";
let admin: pg.Client;
const dbName = `${process.env.CLIPSTREAM_TEST_DB ?? "clipstream_test"}_compose`;

/** What `docker build` would put in the image's WORKDIR: its COPY sources, minus what .dockerignore leaves out. */
function stage(image: TImage, dir: string): string {
  const copy = (rel: string) => {
    if (ignore.ignores(rel)) return;
    const from = path.join(ROOT, rel);
    if (fs.statSync(from).isDirectory()) for (const e of fs.readdirSync(from)) copy(path.join(rel, e));
    else {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.copyFileSync(from, path.join(dir, rel));
    }
  };
  for (const src of imageCopies(image)) copy(src.replace(/^\.\//, "").replace(/\/$/, ""));
  // RUN npm install (its postinstall generates the Prisma client).
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.cpSync(path.join(ROOT, "generated"), path.join(dir, "generated"), { recursive: true });
  return dir;
}

/** A data directory the container's user owns, as the image's `chown node:node /data` makes it. */
function dataDir(name: string): string {
  const dir = path.join(work, "data", name);
  fs.mkdirSync(dir, { recursive: true });
  if (asRoot) fs.chownSync(dir, NOBODY, NOBODY);
  return dir;
}

/** A service's environment as a process here sees it: service hostnames and container ports made local. */
function localEnv(name: string, image: TImage, data: string): NodeJS.ProcessEnv {
  const env: Record<string, string> = { ...image.env, ...compose.services[name].environment };
  const hosts: Record<string, number> = {
    "minio:9000": port.minio,
    "inngest:8288": port.inngest,
    "web:3000": port.web,
    [`localhost:${dotEnv.WEB_PORT}`]: port.web,
    "functions:3300": port.functions,
    "recorder-1:3100": port["recorder-1"],
    "recorder-2:3100": port["recorder-2"],
  };
  for (const [k, v] of Object.entries(env)) {
    let local = v;
    for (const [host, p] of Object.entries(hosts)) local = local.replaceAll(`http://${host}`, `http://127.0.0.1:${p}`);
    if (k === "DATABASE_URL") local = databaseUrl;
    if (k === "DATA_DIR") local = data;
    if (/^(WEB|FUNCTIONS|RECORDER)_HOST$/.test(k)) local = "127.0.0.1";
    env[k] = local;
  }
  if (env.PORT) env.PORT = String(port.web);
  if (env.FUNCTIONS_PORT) env.FUNCTIONS_PORT = String(port.functions);
  if (env.RECORDER_PORT) env.RECORDER_PORT = String(port[name]);
  return { PATH: process.env.PATH, HOME: data, ...env } as unknown as NodeJS.ProcessEnv;
}

function start(name: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv, unprivileged = true): TProc {
  const cmd = path.isAbsolute(argv[0])
    ? argv[0]
    : argv[0].includes("/")
      ? path.join(cwd, argv[0])
      : argv[0] === "node"
        ? process.execPath
        : argv[0];
  const ids = asRoot && unprivileged ? { uid: NOBODY, gid: NOBODY } : {};
  const child = spawn(cmd, argv.slice(1), { cwd, env, ...ids, stdio: ["ignore", "pipe", "pipe"] });
  const p: TProc = { name, child, output: [] };
  const keep = (b: Buffer) => p.output.push(...b.toString().split("\n").filter(Boolean).slice(-40));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  procs.push(p);
  return p;
}

const exited = (p: TProc) =>
  new Promise<number | null>((r) => (p.child.exitCode !== null ? r(p.child.exitCode) : p.child.once("exit", r)));
const tail = (p: TProc) => `${p.name}:\n  ${p.output.slice(-25).join("\n  ")}`;

/** The image's HEALTHCHECK command, run in the container's environment: exit code 0 is healthy. */
function healthy(image: TImage, env: NodeJS.ProcessEnv, cwd: string): boolean {
  const cmd = /\bCMD\s+([\s\S]+)$/.exec(image.healthcheck ?? "")![1].replace(/\\\n/g, " ");
  try {
    execFileSync("sh", ["-c", cmd.replace(/^node /, `${process.execPath} `)], { cwd, env, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const running: Record<string, { image: TImage; env: NodeJS.ProcessEnv; cwd: string; proc: TProc }> = {};

/**
 * nobody must reach the checkout (node_modules, the staged trees under .data): a directory above it that others
 * cannot search (a checkout under a 0700 temporary directory) gets the search bit for the test's duration only
 * (scripts/lib/embedded-pg.ts gives it for good when the embedded server's data lives under the checkout).
 */
const restoreModes: [string, number][] = [];
function letNobodyThrough() {
  for (let d = ROOT; ; d = path.dirname(d)) {
    const mode = fs.statSync(d).mode & 0o7777;
    if (!(mode & 0o001)) {
      fs.chmodSync(d, mode | 0o001);
      restoreModes.push([d, mode]);
    }
    if (d === path.dirname(d)) break;
  }
}

beforeAll(async () => {
  if (asRoot) letNobodyThrough();
  fs.mkdirSync(work, { recursive: true, mode: 0o755 });
  const names = ["minio", "inngest", "web", "functions", "recorder-1", "recorder-2"];
  port = Object.fromEntries((await freePorts(names.length)).map((p, i) => [names[i], p]));

  // postgres: a fresh database on the embedded server, for migrate to migrate.
  const url = new URL(process.env.DATABASE_URL!);
  admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  url.pathname = `/${dbName}`;
  databaseUrl = url.toString();

  // minio + minio-init: s3rver with the compose file's bucket.
  const bucket = compose.services["minio-init"].environment!.S3_BUCKET;
  const code = `const S3rver = require("s3rver");
    new S3rver({ address: "127.0.0.1", port: ${port.minio}, silent: true, directory: ${JSON.stringify(path.join(work, "s3"))},
      configureBuckets: [{ name: ${JSON.stringify(bucket)}, configs: [] }] }).run().then(() => console.log("ready"));`;
  const s3 = start(
    "minio (s3rver)",
    [process.execPath, "--openssl-legacy-provider", "-e", code],
    ROOT,
    process.env,
    false,
  );
  await waitFor(async () => s3.output.some((l) => l.includes("ready")), 20_000, "s3rver");

  // The web image's RUN next build: the production build this checkout's tests use (built here if stale).
  if (!buildIsFresh(ROOT))
    execFileSync(path.join(ROOT, "node_modules/.bin/next"), ["build"], { cwd: ROOT, stdio: "ignore" });
}, 600_000);

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGTERM");
  await Promise.race([Promise.all(procs.map(exited)), new Promise((r) => setTimeout(r, 10_000))]);
  for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
  await admin?.end();
  fs.rmSync(work, { recursive: true, force: true });
  for (const [d, mode] of restoreModes) fs.chmodSync(d, mode);
});

describe("deploy/compose.yaml rehearsed as local processes", () => {
  it("migrates a fresh database with the migrate service's command", async () => {
    const svc: TComposeService = compose.services.migrate;
    const image = serviceImage(svc)!;
    const cwd = stage(image, path.join(work, "migrate"));
    const p = start("migrate", svc.command!, cwd, localEnv("migrate", image, dataDir("migrate")));
    expect(await exited(p), tail(p)).toBe(0);
    expect(p.output.join("\n")).toMatch(/applied: \d{14}_/);
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_database WHERE datname = $1`, [dbName]);
    expect(rows[0].n).toBe(1);
  });

  it("starts the functions server, the web app and two recorders as nobody, each passing its HEALTHCHECK", async () => {
    // inngest: the embedded runner on the Inngest server's port, with its keys, calling the --sdk-url.
    const inngest = compose.services.inngest;
    const sdkUrl = inngest.command![inngest.command!.indexOf("--sdk-url") + 1].replace(
      "http://functions:3300",
      `http://127.0.0.1:${port.functions}`,
    );
    start(
      "inngest (embedded runner)",
      [path.join(ROOT, "node_modules/.bin/tsx"), "lib/jobs/server.ts"],
      ROOT,
      {
        PATH: process.env.PATH,
        DATABASE_URL: databaseUrl,
        INNGEST_RUNNER_PORT: String(port.inngest),
        INNGEST_SERVE_URL: sdkUrl,
        INNGEST_SIGNING_KEY: inngest.environment!.INNGEST_SIGNING_KEY,
        INNGEST_EVENT_KEY: inngest.environment!.INNGEST_EVENT_KEY,
      } as unknown as NodeJS.ProcessEnv,
      false,
    );
    for (const name of OURS.slice(1)) {
      const image = serviceImage(compose.services[name])!;
      const cwd = stage(image, path.join(work, name));
      if (name === "web") {
        // The build's output, owned by root except .next/cache, which the image hands to node.
        fs.cpSync(path.join(ROOT, ".next"), path.join(cwd, ".next"), {
          recursive: true,
          filter: (src) => !src.startsWith(path.join(ROOT, ".next/cache")),
        });
        fs.mkdirSync(path.join(cwd, ".next/cache"));
        if (asRoot) fs.chownSync(path.join(cwd, ".next/cache"), NOBODY, NOBODY);
      }
      const env = localEnv(name, image, dataDir(name));
      running[name] = { image, env, cwd, proc: start(name, compose.services[name].command ?? image.cmd, cwd, env) };
    }
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port.inngest}/health`).catch(() => null))?.ok,
      60_000,
      "inngest",
    );
    for (const [name, r] of Object.entries(running)) {
      await waitFor(
        async () => {
          if (r.proc.child.exitCode !== null)
            throw new Error(`${name} exited (${r.proc.child.exitCode})\n${tail(r.proc)}`);
          return healthy(r.image, r.env, r.cwd);
        },
        120_000,
        `${name}'s HEALTHCHECK\n${tail(r.proc)}`,
        1000,
      );
      if (asRoot) {
        const uid = fs.readFileSync(`/proc/${r.proc.child.pid}/status`, "utf8").match(/^Uid:\s+(\d+)/m)![1];
        expect(Number(uid), `${name} runs unprivileged`).toBe(NOBODY);
      }
    }
  }, 240_000);

  it("has both recorders registered with the app, at the addresses they advertise", async () => {
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const rows = await waitFor(
        async () => {
          const { rows } = await db.query<{ id: string; url: string }>(
            `SELECT id, url FROM "Recorder" WHERE id IN ('recorder-1', 'recorder-2') ORDER BY id`,
          );
          return rows.length === 2 && rows;
        },
        30_000,
        "both recorders' heartbeats",
      );
      expect(rows).toEqual([
        { id: "recorder-1", url: running["recorder-1"].env.RECORDER_PUBLIC_URL },
        { id: "recorder-2", url: running["recorder-2"].env.RECORDER_PUBLIC_URL },
      ]);
      expect(running["recorder-1"].env.RECORDER_PUBLIC_URL).toBe(`http://127.0.0.1:${port["recorder-1"]}`);
    } finally {
      await db.end();
    }
  });

  it("has the functions server check Inngest's signatures (INNGEST_DEV=0): an unsigned call gets 401", async () => {
    const res = await fetch(
      `http://127.0.0.1:${port.functions}/api/inngest?fnId=clipstream-check-streamer&stepId=step`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ event: { name: "x", data: {} }, steps: {}, ctx: { run_id: "r", attempt: 0 } }),
      },
    );
    expect(res.status).toBe(401);
  });
});
