import fs from "node:fs";
import path from "node:path";
import { startDemoBroadcaster } from "../scripts/lib/demo-broadcaster";
import { startChild, stopChild, waitForHttp } from "../scripts/lib/processes";
import { startFakeLivekit } from "../test/fixtures/fake-livekit";
import { startFakePumpfun } from "../test/fixtures/fake-pumpfun";

/**
 * Starts the real stack (production build, embedded PostgreSQL with its own database, job runner,
 * recorder) with 4-second segments, plus a local live HLS stream made from a generated recording with a
 * loud, excited passage. Everything is torn down after the run.
 */
export default async function globalSetup() {
  const port = Number(process.env.E2E_PORT ?? 3400);
  const dataDir = path.resolve(".data/e2e");
  fs.rmSync(path.join(dataDir, "blobs"), { recursive: true, force: true });
  fs.rmSync(path.join(dataDir, "recorder"), { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });

  const sample = path.join(dataDir, "sample.mp4");
  if (!fs.existsSync(sample)) {
    const { makeSampleStream } = await import("../lib/media/sample-stream");
    await makeSampleStream({ out: sample, seconds: 40, excitedAt: 14 });
  }
  // pump.fun's livestream API, local (real response shapes; every coin offline unless a test says otherwise).
  const pumpfun = await startFakePumpfun();
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PUMPFUN_API_URL: pumpfun.url };
  const demo = await startDemoBroadcaster({
    sample,
    dir: path.join(dataDir, "live"),
    port: port + 10,
    env,
    quiet: true,
  });
  const stopDemo = async () => {
    await stopChild(demo.ffmpeg);
    await demo.close();
    await pumpfun.close();
  };
  try {
    await waitForHttp(demo.url, 30_000, "test stream");
    process.env.E2E_STREAM_URL = demo.url;
    return await startStack(port, dataDir, env, stopDemo);
  } catch (err) {
    await stopDemo();
    throw err;
  }
}

async function startStack(port: number, dataDir: string, env: NodeJS.ProcessEnv, stopDemo: () => Promise<void>) {
  // A fresh database per run keeps the suite independent of earlier runs.
  const { resolveDatabase } = await import("../scripts/lib/database-url");
  const db = await resolveDatabase("postgres");
  const pg = await import("pg");
  const client = new pg.default.Client({ connectionString: db.url });
  await client.connect();
  await client.query("drop database if exists clipstream_e2e with (force)");
  await client.end();
  await db.stop();

  // A LiveKit server speaking LiveKit's API (test/fixtures/fake-livekit.ts) for `livekit:<room>` streamers.
  const livekit = await startFakeLivekit({
    apiKey: "APIe2e",
    apiSecret: "e2e-livekit-secret-0123456789",
    webhookUrl: `http://127.0.0.1:${port}/api/webhooks/livekit`,
  });
  const stack = startChild(
    "stack",
    "node_modules/.bin/tsx",
    [
      "scripts/stack.ts",
      "--prod",
      "--ports",
      String(port),
      "--db",
      "clipstream_e2e",
      "--no-demo",
      "--segment-seconds",
      "4",
      "--data-dir",
      dataDir,
    ],
    {
      ...env,
      CLIPSTREAM_E2E: "1",
      // As behind a reverse proxy on this machine: each test is a client with its own address
      // (X-Forwarded-For, e2e/fixtures.ts), so the per-address sign-up limit (10 a minute) is per test.
      TRUSTED_PROXIES: "loopback",
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: "APIe2e",
      LIVEKIT_API_SECRET: "e2e-livekit-secret-0123456789",
    },
    { quiet: !process.env.E2E_VERBOSE },
  );
  const ready = path.join(dataDir, "stack.json");
  fs.rmSync(ready, { force: true });
  const deadline = Date.now() + 240_000;
  while (!fs.existsSync(ready)) {
    if (stack.proc.exitCode !== null) {
      await livekit.close();
      throw new Error("the stack exited during start-up (run with E2E_VERBOSE=1)");
    }
    if (Date.now() > deadline) {
      await stopChild(stack);
      await livekit.close();
      throw new Error("the stack did not start within 240 s");
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return async () => {
    await stopChild(stack, 15_000);
    await livekit.close();
    await stopDemo();
  };
}
