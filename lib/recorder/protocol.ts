import { z } from "zod";

/**
 * Wire format between the app and the recorder service. Every request in either direction carries
 * `x-clipstream-signature` (lib/signing.ts) over the raw JSON body, keyed by RECORDER_SECRET.
 */

/** Where the recorder pulls media from. `url` covers HLS, RTMP, HTTP(S) and (operator-allowed) local files. */
export const ZRecorderSource = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("url"), url: z.string().min(1) }),
  /** A pump.fun coin: the recorder joins its LiveKit room as a hidden viewer (lib/pumpfun/client.ts). */
  z.object({ kind: z.literal("pumpfun"), mint: z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/) }),
  ZLivekitRoomSource(),
]);
export type TRecorderSource = z.infer<typeof ZRecorderSource>;
export type TLivekitRoomSource = Extract<TRecorderSource, { kind: "livekit" }>;

/**
 * A room on the operator's LiveKit server (LIVEKIT_URL): the recorder joins it as a hidden viewer with `token`,
 * a subscribe-only JWT the app mints (lib/livekit/viewer-token.ts), so the recorder never holds the API
 * secret. `url` is the server's WebSocket URL. A fresh token comes with every active-session list and from
 * `POST /api/recorder/livekit-token` (ZLivekitTokenRequest) before this one expires.
 */
function ZLivekitRoomSource() {
  return z.object({
    kind: z.literal("livekit"),
    url: z.string().regex(/^wss?:\/\/\S+$/, "a ws:// or wss:// URL"),
    room: z.string().min(1).max(256),
    token: z.string().min(1).max(8192),
  });
}

/** What the recorder records for a URL or pump.fun streamer (a LiveKit room's source carries a minted token). */
export function recorderSourceOf(streamer: { kind: string; source: string }): TRecorderSource {
  return streamer.kind === "PUMPFUN"
    ? { kind: "pumpfun", mint: streamer.source }
    : { kind: "url", url: streamer.source };
}

/**
 * Recorder → app: POST {APP_URL}/api/recorder/livekit-token, signed like the active-session list
 * (`signRequest`, a nonce accepted once). Answers 200 with a `livekit` source holding a fresh viewer token
 * for the session's room, 404 when the session is not a recording LiveKit room any more.
 */
export const ZLivekitTokenRequest = z.object({ sessionId: z.string().min(1).max(128) });
export const ZLivekitTokenResponse = z.object({ source: ZLivekitRoomSource() });

/**
 * The recorder's lease on a session (lib/recorder/lease.ts): `epoch` fences it (every announcement carries it,
 * and the app refuses another epoch with 409 `stale_lease`); the rest is where the session stands in the app,
 * so a recorder that takes it over (with an empty spool, say) continues it instead of starting at 0.
 */
export const ZLease = z.object({
  epoch: z.number().int().min(1),
  /** The next segment number: one past the highest the app has stored. */
  nextNumber: z.number().int().min(0),
  /** End of the last stored segment, in stream seconds. */
  storedUntil: z.number().min(0),
  /** When the session began (ms since the epoch): stream time 0. */
  startedAt: z.number().int().min(0),
  /** The session was leased before (a takeover or a re-assignment): stream time continues from the wall clock. */
  resume: z.boolean(),
});
export type TLease = z.infer<typeof ZLease>;

/** App → recorder: POST {recorder URL}/sessions. Idempotent per sessionId. */
export const ZStartRecording = z.object({
  sessionId: z.string().min(1),
  streamerId: z.string().min(1),
  source: ZRecorderSource,
  segmentSeconds: z.number().int().min(2).max(3600),
  /**
   * When > 0, the recorder also cuts the audio into 16 kHz mono WAV chunks of this length and announces each
   * (`audio.chunk`) while the segment is still recording, so most of a long segment is transcribed before it
   * closes. 0 or absent: segments only.
   */
  audioChunkSeconds: z.number().int().min(0).max(600).optional(),
  /**
   * The source is a recording to replay (an imported file or VOD), not a live stream: read once to its end, then
   * the session ends (no reconnect). `fast`: as fast as ffmpeg reads it, segments only (no live parts);
   * `live`: in real time (`-re`), with live parts, like a live stream.
   */
  replay: z.object({ pace: z.enum(["fast", "live"]) }).optional(),
  /**
   * Re-encode the segments (the streamer's recording output and quality preset); absent: stream copy. The
   * recorder picks the encoders its ffmpeg has; live parts and audio chunks are unaffected.
   */
  output: z.object({ format: z.enum(["mp4", "webm", "av1"]), quality: z.enum(["low", "medium", "high"]) }).optional(),
  /** Absent: a recorder started by hand (no lease, epoch 0, nothing fenced). */
  lease: ZLease.optional(),
});
export type TStartRecording = z.infer<typeof ZStartRecording>;

/**
 * The lease epoch the announcing recorder holds. Another epoch than the session's is refused (409 `stale_lease`):
 * the session has a newer owner. Absent: a recorder without a lease (epoch 0).
 */
function ZEpoch() {
  return z.number().int().min(0).optional();
}

/** Recorder → app: POST {APP_URL}/api/webhooks/recorder */
export const ZSegmentRecorded = z.object({
  type: z.literal("segment.recorded"),
  sessionId: z.string().min(1),
  number: z.number().int().min(0),
  /** Seconds from the start of the live session. */
  startOffset: z.number().min(0),
  duration: z.number().positive(),
  storageKey: z.string().min(1),
  sizeBytes: z.number().int().min(0),
  /** True for the last (possibly partial) segment of a session. */
  final: z.boolean().default(false),
  epoch: ZEpoch(),
});
export const ZSessionEnded = z.object({
  type: z.literal("session.ended"),
  sessionId: z.string().min(1),
  reason: z.enum(["source_ended", "stopped", "failed"]),
  message: z.string().optional(),
  segments: z.number().int().min(0),
  /** The source was a recording (file, HTTP media, finished HLS) read to its end: it is not watched again. */
  finite: z.literal(true).optional(),
  epoch: ZEpoch(),
});
/** Recorder → app: a stretch of the live audio (16 kHz mono WAV) ahead of the segment that will contain it. */
export const ZAudioChunk = z.object({
  type: z.literal("audio.chunk"),
  sessionId: z.string().min(1),
  /** Stream seconds (same clock as segments' startOffset). */
  startOffset: z.number().min(0),
  duration: z.number().positive().max(600),
  storageKey: z.string().min(1),
  epoch: ZEpoch(),
});
/** One second of a pump.fun coin's activity on the session clock (decision 024). */
export const ZActivitySecond = z.object({
  /** Session second: the row covers [second, second + 1). */
  second: z.number().int().min(0).max(10_000_000),
  trades: z.number().int().min(0).max(1_000_000),
  buys: z.number().int().min(0).max(1_000_000),
  /** SOL bought minus SOL sold. */
  netBuySol: z.number().finite(),
  /** Market cap (USD) after the second's last trade; null without a trade. */
  marketCap: z.number().finite().min(0).nullable(),
  chat: z.number().int().min(0).max(1_000_000),
});
/**
 * Recorder → app: the activity of a pump.fun session's last seconds (only seconds that had some), sent every few
 * seconds while it records. A second is sent once it is complete; a resend replaces the same rows.
 */
export const ZActivityBatch = z.object({
  type: z.literal("activity.batch"),
  sessionId: z.string().min(1),
  seconds: z.array(ZActivitySecond).min(1).max(60),
});
export const ZRecorderWebhook = z.discriminatedUnion("type", [
  ZSegmentRecorded,
  ZSessionEnded,
  ZAudioChunk,
  ZActivityBatch,
]);
export type TActivitySecond = z.infer<typeof ZActivitySecond>;
export type TActivityBatch = z.infer<typeof ZActivityBatch>;
export type TSegmentRecorded = z.infer<typeof ZSegmentRecorded>;
export type TSessionEnded = z.infer<typeof ZSessionEnded>;
export type TAudioChunk = z.infer<typeof ZAudioChunk>;
export type TRecorderWebhook = z.infer<typeof ZRecorderWebhook>;

/** App → recorder on GET {APP_URL}/api/recorder/sessions: sessions that should be recording (for resume after restart). */
export const ZActiveSessions = z.object({ sessions: z.array(ZStartRecording) });

/**
 * Recorder → app: POST {APP_URL}/api/recorder/heartbeat, signed like the active-session list (`signRequest`, a
 * nonce accepted once). The first one registers the recorder; each renews the leases of the sessions it reports
 * at their current epoch.
 */
export const ZRecorderHeartbeat = z.object({
  /** Stable per recorder (RECORDER_ID, or kept in its spool). */
  recorderId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "letters, digits, _ . - (at most 64)"),
  /** Where the app reaches its control API. */
  url: z.string().url().max(2048),
  /** Sessions it takes at once. */
  capacity: z.number().int().min(1).max(10_000),
  /** The sessions it is recording, with the epoch of each one's lease. */
  sessions: z.array(z.object({ sessionId: z.string().min(1).max(128), epoch: z.number().int().min(0) })).max(10_000),
});
export type TRecorderHeartbeat = z.infer<typeof ZRecorderHeartbeat>;

/** The app's answer to a heartbeat. */
export const ZHeartbeatAnswer = z.object({
  /** Send the next heartbeat after this long (a third of the lease TTL). */
  heartbeatSeconds: z.number().positive(),
  /** Reported sessions whose lease another recorder holds now: stop recording them, announce nothing more. */
  stale: z.array(z.string()),
  /** Sessions leased to this recorder that it did not report: start (or resume) them. */
  assign: z.array(ZStartRecording),
});
export type THeartbeatAnswer = z.infer<typeof ZHeartbeatAnswer>;
