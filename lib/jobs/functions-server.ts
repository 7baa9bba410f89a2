/**
 * The functions server: the app's Inngest functions (ffmpeg, transcription, detection, rendering) in a process
 * of their own, so the web processes only serve users. `npm run functions` =
 * `tsx --conditions=react-server lib/jobs/functions-server.ts` (server modules `import "server-only"`).
 *   DATABASE_URL     PostgreSQL (required)
 *   FUNCTIONS_PORT   port to listen on (default 3300)
 *   FUNCTIONS_HOST   bind address (default 127.0.0.1)
 * It serves the same guarded handlers as the web app's /api/inngest (lib/jobs/serve-functions.ts: the
 * embedded runner's signature, or the SDK's own check with INNGEST_SIGNING_KEY; 413 past 32 MiB) at
 * `/api/inngest`, and `GET /health`. Point the embedded runner's INNGEST_SERVE_URL (or Inngest's app URL)
 * at `http://<host>:<FUNCTIONS_PORT>/api/inngest`.
 */
import type { z } from "zod";
import { env } from "@/lib/env";
import { EnvError, parseEnv } from "@/lib/env-parse";
import { ZFunctionsEnv } from "./functions-env";

async function main() {
  let e: z.output<typeof ZFunctionsEnv>;
  try {
    e = parseEnv(ZFunctionsEnv);
    void env.authSecret; // runner signatures are checked with a key derived from it: required in production
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    console.error(`[functions] ${err.message}`);
    process.exit(2);
  }
  // Imported once the environment is known to be valid (the functions read the database at import).
  const { startFunctionsServer } = await import("./start-functions-server");
  const server = await startFunctionsServer({ port: e.FUNCTIONS_PORT, host: e.FUNCTIONS_HOST });
  console.log(`[functions] listening on ${server.url}, serving ${server.url}/api/inngest`);
  let stopping = false;
  const shutdown = (sig: string) => {
    if (stopping) process.exit(1); // second signal: don't wait for in-flight steps
    stopping = true;
    console.log(`[functions] ${sig}: finishing in-flight steps`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err) => {
  console.error(`[functions] failed to start: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
