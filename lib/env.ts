import path from "node:path";
import { z } from "zod";
import { EnvError, parseEnv } from "./env-parse";
import { CLIENT_IP_HEADER, clientIpResolver } from "./net/resolve-client-ip";
import { LEASE_DEFAULTS } from "./recorder/lease";

function validProxyList(v: string | undefined): boolean {
  try {
    clientIpResolver(v);
    return true;
  } catch {
    return false;
  }
}

const bool = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

/** The app's environment (every process that imports lib/env.ts: web, functions, runner, recorder). */
export const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z.string().url().optional(),
  /** Connections per process in the Prisma pool (lib/db.ts). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  APP_URL: z.string().url().default("http://127.0.0.1:3000"),
  BETTER_AUTH_SECRET: z.string().min(16).optional(),
  DATA_DIR: z.string().default(".data"),
  STORAGE_DIR: z.string().optional(),
  BLOB_READ_WRITE_TOKEN: z.string().optional(),
  /** S3-compatible storage (AWS S3, MinIO, R2): the bucket; set, it is the store (lib/storage/s3-store.ts). */
  S3_BUCKET: z.string().min(3).max(63).optional(),
  /** The service's URL (MinIO, R2, …); unset for AWS S3. */
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default("us-east-1"),
  /** Unset: the SDK's own credential chain (AWS_ACCESS_KEY_ID, instance roles). */
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Path-style addressing (host/bucket/key): MinIO and most self-hosted servers need it. */
  S3_FORCE_PATH_STYLE: bool,
  /** Keys live under this folder of the bucket. */
  S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._\/-]*$/)
    .optional(),
  RECORDER_URL: z.string().url().default("http://127.0.0.1:3100"),
  RECORDER_SECRET: z.string().min(16).optional(),
  /**
   * Recorder fleet (lib/recorder/lease.ts): a session's lease runs out this long after its owner's last
   * heartbeat, and then moves to another live recorder. Recorders heartbeat every third of it.
   */
  RECORDER_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(LEASE_DEFAULTS.ttlSeconds),
  /**
   * Proxies whose X-Forwarded-For the web server believes (lib/net/resolve-client-ip.ts): addresses, CIDR ranges,
   * `loopback`, `linklocal`, `uniquelocal`, comma-separated. Unset: the socket's peer is the client.
   */
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .refine((v) => validProxyList(v), "expected addresses, CIDR ranges, loopback, linklocal or uniquelocal"),
  /**
   * Request header carrying the client's address. `npm start` sets its own (the default) from the socket and
   * TRUSTED_PROXIES; on a platform that sets a trustworthy one (Vercel: x-real-ip), name it here.
   */
  CLIENT_IP_HEADER: z
    .string()
    .regex(/^[a-z0-9-]+$/i)
    .default(CLIENT_IP_HEADER),
  /** Web Push contact for push services (mailto: or https:). Unset: APP_URL when https. */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)\S+$/, "expected mailto:… or https://…")
    .optional(),
  /** Requests one API token may make per minute (counted in PostgreSQL, across every web process). */
  API_TOKEN_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(600),
  /** Lets NODE_ENV=production run with the public development secrets (local production builds and tests only). */
  CLIPSTREAM_ALLOW_DEV_SECRETS: bool,
  SEGMENT_SECONDS: z.coerce.number().int().min(2).max(3600).default(900),
  FFMPEG_PATH: z.string().default("ffmpeg"),
  FFPROBE_PATH: z.string().default("ffprobe"),
  POCKETSPHINX_PATH: z.string().default("pocketsphinx_continuous"),
  POCKETSPHINX_SEARCH: z.enum(["accurate", "fast"]).default("accurate"),
  POCKETSPHINX_DECODERS: z.enum(["per-file", "streaming"]).default("streaming"),
  /**
   * Live edge: every recording with audio sends it ahead in chunks of this many seconds, whatever the segment
   * length; each is transcribed, measured and run through live detection as it lands (lib/pipeline/live-detect.ts).
   */
  LIVE_CHUNK_SECONDS: z.coerce.number().int().min(2).max(60).default(5),
  /**
   * Speech decoding of live chunks (lib/pipeline/live-backpressure.ts): `auto` decodes while a stream keeps up
   * and runs only the cheap signals (loudness, silences, keyword spotting) once it falls 10 s behind, leaving
   * the words to its segment; `always` decodes every chunk however far behind; `never` decodes none.
   */
  LIVE_DECODE: z.enum(["auto", "always", "never"]).default("auto"),
  /**
   * The speech decoder's search for live chunks (POCKETSPHINX_SEARCH is the segments'): `fast` costs about half
   * the CPU, which is what lets two cores decode six live streams in real time; its rougher words are decoded
   * again with the accurate search around every clip when the segment closes (decision 026).
   */
  LIVE_SEARCH: z.enum(["accurate", "fast"]).default("fast"),
  /**
   * Per-account quotas, 0 for no limit (lib/quotas): streamers an account may add, streams it may record at
   * once, and bytes it may keep stored (recordings not yet purged, clips, exports). A request past one gets a
   * 403 `quota_exceeded`; a stream that goes live past one is not recorded, with the reason on the streamer.
   */
  QUOTA_STREAMERS: z.coerce.number().int().min(0).default(100),
  QUOTA_RECORDINGS: z.coerce.number().int().min(0).default(10),
  QUOTA_STORAGE_GB: z.coerce.number().min(0).default(0),
  /** The largest recording a user can upload (resumable, /api/uploads), in megabytes. */
  UPLOAD_MAX_MB: z.coerce.number().int().min(1).default(4096),
  /** Outgoing email (password reset links): an SMTP URL such as smtps://user:pass@smtp.example.com:465. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "expected an smtp:// or smtps:// URL")
    .optional(),
  MAIL_FROM: z.string().default("Clipstream <no-reply@localhost>"),
  GROQ_API_KEY: z.string().optional(),
  GROQ_BASE_URL: z.string().url().optional(),
  GROQ_TRANSCRIBE_MODEL: z.string().default("whisper-large-v3-turbo"),
  GROQ_CHAT_MODEL: z.string().default("openai/gpt-oss-120b"),
  /** Model for highlight detection; falls back to GROQ_CHAT_MODEL. */
  GROQ_DETECT_MODEL: z.string().optional(),
  /** Audio upload limit for transcription (Groq free tier: 25 MB); longer audio is split on silences. */
  GROQ_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(100_000)
    .default(25 * 1024 * 1024),
  /**
   * Any OpenAI-compatible chat endpoint (Ollama `http://host:11434/v1`, vLLM, LM Studio, OpenAI…) for highlight
   * detection and segment summaries, instead of Groq's (lib/ai/providers.ts). LLM_MODEL is then required;
   * LLM_API_KEY only where the server wants one. `json_schema` asks for the highlights' JSON schema (strict
   * structured output); `json_object` for servers that only do JSON mode (the answer is validated either way).
   */
  LLM_BASE_URL: z.string().url().optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().optional(),
  LLM_JSON_MODE: z.enum(["json_schema", "json_object"]).default("json_schema"),
  /**
   * Any OpenAI-compatible transcription endpoint (`/audio/transcriptions` with verbose_json word timestamps:
   * a local faster-whisper server such as speaches, vLLM, LocalAI, OpenAI) instead of Groq's.
   */
  WHISPER_BASE_URL: z.string().url().optional(),
  WHISPER_API_KEY: z.string().optional(),
  WHISPER_MODEL: z.string().default("whisper-1"),
  ALLOW_PRIVATE_SOURCES: bool,
  /**
   * Read by the Inngest SDK itself (inngest/client.ts), validated here: keys of Inngest Cloud, or dev mode
   * ("1" or the URL of a self-hosted `inngest start` / the embedded runner), or a self-hosted base URL.
   */
  INNGEST_EVENT_KEY: z.string().min(1).optional(),
  INNGEST_SIGNING_KEY: z.string().min(1).optional(),
  INNGEST_DEV: z.union([z.enum(["0", "1", "true", "false"]), z.string().url()]).optional(),
  INNGEST_BASE_URL: z.string().url().optional(),
  /** pump.fun's unofficial livestream API and the LiveKit server its rooms live on. */
  PUMPFUN_API_URL: z.string().url().default("https://livestream-api.pump.fun"),
  PUMPFUN_LIVEKIT_URL: z.string().url().default("wss://pump-prod-tg2x8veh.livekit.cloud"),
  /**
   * pump.fun coin activity while a pump.fun session records (lib/pumpfun/activity-feed.ts, decision 024): the
   * trade feed is pump.fun's NATS-over-WebSocket cluster (`unifiedTradeEvent.processed.<mint>`), the chat its
   * livechat socket.io server. The trade feed needs the subscribe-only credentials pump.fun's own page uses;
   * without PUMPFUN_TRADES_PASS only chat is read. `PUMPFUN_ACTIVITY=false` reads neither.
   */
  PUMPFUN_ACTIVITY: z
    .enum(["true", "false", "1", "0", ""])
    .optional()
    .transform((v) => v !== "false" && v !== "0"),
  PUMPFUN_TRADES_URL: z.string().url().default("wss://unified-prod.nats.realtime.pump.fun"),
  PUMPFUN_TRADES_USER: z.string().default("subscriber"),
  PUMPFUN_TRADES_PASS: z.string().optional(),
  PUMPFUN_CHAT_URL: z.string().url().default("https://livechat.pump.fun"),
  ALLOW_FILE_SOURCES: bool,
  /** The user's LiveKit server (rooms as streamers, file egress per segment, ingress). */
  LIVEKIT_URL: z.string().url().optional(),
  LIVEKIT_API_KEY: z.string().min(1).optional(),
  LIVEKIT_API_SECRET: z.string().min(1).optional(),
  /**
   * How LIVEKIT rooms are recorded: `recorder` (default) joins the room as a hidden viewer and cuts it like any
   * live source (audio chunks while recording, the live edge); `egress` records one room-composite MP4 file
   * egress per segment (segments arrive whole, so no live edge).
   */
  LIVEKIT_RECORDING: z.enum(["recorder", "egress"]).default("recorder"),
  /**
   * Rooms on LIVEKIT_URL that every account may record by their bare name (comma-separated). Any other
   * `livekit:<room>` is the account's own room, named with its prefix (lib/livekit/user-room.ts).
   */
  LIVEKIT_SHARED_ROOMS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean),
    ),
  /** Where LiveKit egress writes segment files (a directory the egress and the app share). */
  LIVEKIT_EGRESS_DIR: z.string().optional(),
  /** LiveKit egress rotation: the next segment's egress starts this many seconds before the previous stops. */
  SEGMENT_OVERLAP_SECONDS: z.coerce.number().min(0).max(60).default(2),
  /** Egress output to an S3-compatible bucket instead of LIVEKIT_EGRESS_DIR (the app downloads each file). */
  LIVEKIT_EGRESS_S3_BUCKET: z.string().optional(),
  LIVEKIT_EGRESS_S3_REGION: z.string().default("us-east-1"),
  LIVEKIT_EGRESS_S3_ENDPOINT: z.string().url().optional(),
  LIVEKIT_EGRESS_S3_ACCESS_KEY: z.string().optional(),
  LIVEKIT_EGRESS_S3_SECRET: z.string().optional(),
  LIVEKIT_EGRESS_S3_FORCE_PATH_STYLE: bool,
});

export type TEnv = z.infer<typeof ZEnv> & {
  storageDir: string;
  authSecret: string;
  recorderSecret: string;
  livekitEgressDir: string;
};

const DEV_SECRET = "clipstream-development-secret-not-for-production";

function load(): TEnv {
  const e = parseEnv(ZEnv);
  const isProd = e.NODE_ENV === "production" && process.env.NEXT_PHASE !== "phase-production-build";
  const devSecretsAllowed = !isProd || e.CLIPSTREAM_ALLOW_DEV_SECRETS;
  // Every process (web, job runner, recorder) holds RECORDER_SECRET; only the web app and the runner hold the
  // auth master secret, so the two must differ.
  const problems: string[] = [];
  if (!devSecretsAllowed && !e.RECORDER_SECRET) {
    const auth = e.BETTER_AUTH_SECRET ? "" : " (and BETTER_AUTH_SECRET for the web app and the job runner)";
    problems.push(`RECORDER_SECRET: required in production${auth}`);
  }
  if (e.RECORDER_SECRET && e.RECORDER_SECRET === e.BETTER_AUTH_SECRET) {
    problems.push("RECORDER_SECRET: must differ from BETTER_AUTH_SECRET (the recorder must not hold the auth secret)");
  }
  if (e.LLM_BASE_URL && !e.LLM_MODEL) problems.push("LLM_MODEL: required with LLM_BASE_URL (the model to ask)");
  if (problems.length) throw new EnvError(problems);
  return {
    ...e,
    storageDir: path.resolve(/*turbopackIgnore: true*/ e.STORAGE_DIR ?? path.join(e.DATA_DIR, "blobs")),
    // Read only by the web app and the job runner, which read it at start-up (scripts/lib/check-web-env.ts,
    // lib/jobs/server.ts); the recorder never reads it, so it runs without it.
    get authSecret() {
      if (e.BETTER_AUTH_SECRET) return e.BETTER_AUTH_SECRET;
      if (!devSecretsAllowed) throw new EnvError(["BETTER_AUTH_SECRET: required in production"]);
      return DEV_SECRET;
    },
    recorderSecret: e.RECORDER_SECRET ?? `${DEV_SECRET}-recorder`,
    livekitEgressDir: path.resolve(/*turbopackIgnore: true*/ e.LIVEKIT_EGRESS_DIR ?? path.join(e.DATA_DIR, "egress")),
  };
}

/** Validated once, at first import (start-up of every process). */
export const env: TEnv = load();
