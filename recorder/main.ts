/**
 * Recorder entry point: `tsx recorder/main.ts` (or `node --import tsx recorder/main.ts`).
 * APP_URL, RECORDER_SECRET, DATA_DIR, FFMPEG_PATH, FFPROBE_PATH and storage (STORAGE_DIR or
 * BLOB_READ_WRITE_TOKEN) come from lib/env.ts, validated there; the recorder's own settings are below.
 */
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { env } from "@/lib/env";
import { parseEnv } from "@/lib/env-parse";
import { openActivityFeed } from "@/lib/pumpfun/activity-feed";
import { getStore } from "@/lib/storage";
import { startRecorder } from "./server";

export { startRecorder, type TRecorder, type TRecorderOptions } from "./server";

/** The recorder's own settings, beside lib/env.ts's. */
export const ZRecorderEnv = z.object({
  RECORDER_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  /** 0.0.0.0 in a container; loopback by default. */
  RECORDER_HOST: z.string().min(1).default("127.0.0.1"),
  RECORDER_DIR: z.string().min(1).optional(),
  RECONNECT_GRACE_SECONDS: z.coerce.number().min(0).default(60),
  LIVE_PARTS_GRACE_SECONDS: z.coerce.number().min(0).default(60),
  /** Fleet id; default: one generated once and kept in the spool. */
  RECORDER_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/)
    .optional(),
  /** Where the app reaches this recorder; default: http://<RECORDER_HOST, or the hostname on 0.0.0.0>:<port>. */
  RECORDER_PUBLIC_URL: z.string().url().optional(),
  /** Sessions this recorder takes at once; the app assigns each new session to the least-loaded one. */
  RECORDER_CAPACITY: z.coerce.number().int().min(1).max(10_000).default(20),
});

async function main() {
  // No stray rejection may take the recorder (and every session it records) down: logged, and it goes on.
  process.on("unhandledRejection", (reason) => {
    console.error(`[recorder] unhandled rejection (kept running): ${(reason as Error)?.stack ?? String(reason)}`);
  });
  const cfg = parseEnv(ZRecorderEnv);
  const recorder = await startRecorder({
    port: cfg.RECORDER_PORT,
    host: cfg.RECORDER_HOST,
    appUrl: env.APP_URL,
    secret: env.recorderSecret,
    spoolDir: path.resolve(cfg.RECORDER_DIR ?? path.join(env.DATA_DIR, "recorder")),
    store: getStore(),
    ffmpegPath: env.FFMPEG_PATH,
    ffprobePath: env.FFPROBE_PATH,
    reconnectGraceSeconds: cfg.RECONNECT_GRACE_SECONDS,
    livePartsGraceSeconds: cfg.LIVE_PARTS_GRACE_SECONDS,
    allowPrivateSources: env.ALLOW_PRIVATE_SOURCES,
    openActivityFeed: env.PUMPFUN_ACTIVITY ? openActivityFeed : undefined,
    fleet: {
      recorderId: cfg.RECORDER_ID,
      publicUrl: cfg.RECORDER_PUBLIC_URL ?? defaultPublicUrl(cfg.RECORDER_HOST, cfg.RECORDER_PORT),
      capacity: cfg.RECORDER_CAPACITY,
    },
  });
  console.log(`[recorder] ${recorder.recorderId} listening on ${recorder.url}`);
  // Shutdown keeps sessions open: ffmpeg is stopped and the next recorder resumes them.
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => void recorder.stop().then(() => process.exit(0)));
  }
}

/** The address the app reaches a recorder at when RECORDER_PUBLIC_URL is unset. */
function defaultPublicUrl(host: string, port: number): string | undefined {
  if (port === 0) return undefined; // an ephemeral port: the one it listens on
  const name = host === "0.0.0.0" || host === "::" ? os.hostname() : host.includes(":") ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    console.error(`[recorder] ${err.message}`);
    process.exit(1);
  });
}
