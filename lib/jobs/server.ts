/**
 * Entry point of the embedded Inngest runner: `tsx lib/jobs/server.ts` (npm run worker).
 *   DATABASE_URL         PostgreSQL (required)
 *   INNGEST_RUNNER_PORT  port to listen on (default 8288); the app sets INNGEST_DEV=http://127.0.0.1:<port>
 *   INNGEST_SERVE_URL    the app's serve endpoint (default ${APP_URL}/api/inngest)
 *   INNGEST_RUNNER_HOST  bind address (default 127.0.0.1)
 *   INNGEST_RUNNER_BACKOFF_MS  first retry delay, doubling per attempt (default 2000)
 *   INNGEST_RUNNER_POLL_MS     fallback poll interval; LISTEN/NOTIFY is the fast path (default 1000)
 *   INNGEST_RUNNER_LEASE_MS    how long a crashed runner's runs stay claimed (default 30000)
 *   INNGEST_RUNNER_RETENTION_HOURS  finished runs and their events are deleted after this (default 72; 0 = kept)
 *   INNGEST_SIGNING_KEY (+ _FALLBACK), INNGEST_EVENT_KEY  when set, the runner's own API asks for them, as
 *                        Inngest's server does: registration and /runs the hashed signing key as a bearer token,
 *                        event ingest the event key in its path
 */
import { z } from "zod";
import { env } from "@/lib/env";
import { EnvError, parseEnv } from "@/lib/env-parse";
import { startRunner } from "./runner";

const ZRunnerEnv = z.object({
  DATABASE_URL: z.string().min(1, "DATABASE_URL is required"),
  INNGEST_RUNNER_PORT: z.coerce.number().int().min(0).max(65535).default(8288),
  INNGEST_RUNNER_HOST: z.string().default("127.0.0.1"),
  INNGEST_SERVE_URL: z.string().url().optional(),
  INNGEST_RUNNER_BACKOFF_MS: z.coerce.number().int().min(1).optional(),
  INNGEST_RUNNER_POLL_MS: z.coerce.number().int().min(10).optional(),
  INNGEST_RUNNER_LEASE_MS: z.coerce.number().int().min(100).optional(),
  INNGEST_SIGNING_KEY: z.string().min(1).optional(),
  INNGEST_SIGNING_KEY_FALLBACK: z.string().min(1).optional(),
  INNGEST_EVENT_KEY: z.string().min(1).optional(),
  INNGEST_RUNNER_RETENTION_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .default(72),
});

async function main() {
  let e: z.output<typeof ZRunnerEnv>;
  try {
    e = parseEnv(ZRunnerEnv);
    void env.authSecret; // the runner signs its calls with a key derived from it: required in production
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    console.error(`[jobs] ${err.message}`);
    process.exit(2);
  }
  const runner = await startRunner({
    port: e.INNGEST_RUNNER_PORT,
    host: e.INNGEST_RUNNER_HOST,
    serveUrl: e.INNGEST_SERVE_URL ?? `${env.APP_URL.replace(/\/$/, "")}/api/inngest`,
    backoffBaseMs: e.INNGEST_RUNNER_BACKOFF_MS,
    pollMs: e.INNGEST_RUNNER_POLL_MS,
    leaseMs: e.INNGEST_RUNNER_LEASE_MS,
    retentionHours: e.INNGEST_RUNNER_RETENTION_HOURS,
    apiKeys: {
      signingKey: e.INNGEST_SIGNING_KEY,
      signingKeyFallback: e.INNGEST_SIGNING_KEY_FALLBACK,
      eventKey: e.INNGEST_EVENT_KEY,
    },
  });
  let stopping = false;
  const shutdown = (sig: string) => {
    if (stopping) process.exit(1); // second signal: don't wait for in-flight steps
    stopping = true;
    console.log(`[jobs] ${sig}: finishing in-flight requests`);
    runner.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err) => {
  console.error(`[jobs] failed to start: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
