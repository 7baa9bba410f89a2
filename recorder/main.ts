import path from "node:path";
import { z } from "zod";
import { env } from "@/lib/env";
import { getStore } from "@/lib/storage";
import { startRecorder } from "./server";

const ZRecorderEnv = z.object({
  RECORDER_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  RECORDER_HOST: z.string().default("127.0.0.1"),
  RECORDER_DIR: z.string().optional(),
  RECONNECT_GRACE_SECONDS: z.coerce.number().min(0).default(60),
});

const parsed = ZRecorderEnv.safeParse(process.env);
if (!parsed.success) {
  console.error(`Invalid recorder environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  process.exit(1);
}
const cfg = parsed.data;

const recorder = await startRecorder({
  port: cfg.RECORDER_PORT,
  host: cfg.RECORDER_HOST,
  appUrl: env.APP_URL,
  secret: env.recorderSecret,
  spoolDir: path.resolve(cfg.RECORDER_DIR ?? path.join(env.DATA_DIR, "recorder")),
  store: getStore(),
  ffmpegPath: env.FFMPEG_PATH,
  reconnectGraceSeconds: cfg.RECONNECT_GRACE_SECONDS,
});
console.log(`[recorder] listening on ${recorder.url}`);

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    void recorder.stop().then(() => process.exit(0));
  });
}
