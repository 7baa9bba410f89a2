import { z } from "zod";
import { ZAnalyticsQuery } from "@/lib/analytics/analytics";
import { ZCreateToken } from "@/lib/api-tokens/tokens";
import { ZClipQuery, ZClipReviewPatch } from "@/lib/clips/clips";
import { ZRetryClip } from "@/lib/clips/retry-clip";
import type { TErrorCode } from "@/lib/http/errors";
import { ZCreateIngress } from "@/lib/livekit/create-ingress";
import { ZLiveClip } from "@/lib/live-view/live-clip-range";
import { ZPushSubscription, ZPushUnsubscribe } from "@/lib/notifications/subscriptions";
import { ZCreateEndpoint, ZUpdateEndpoint } from "@/lib/outgoing-webhooks/endpoints";
import { ZRedetectRequest } from "@/lib/pipeline/redetect-segment";
import { ZLivekitTokenRequest, ZRecorderHeartbeat, ZRecorderWebhook } from "@/lib/recorder/protocol";
import { ZImportUrl } from "@/lib/recording/replay";
import { ZSearchQuery } from "@/lib/search/search-library";
import { ZUpdateSettings } from "@/lib/settings/settings";
import { ZRemoveStreamer } from "@/lib/streamers/remove-streamer";
import { ZCreateStreamer, ZUpdateStreamer } from "@/lib/streamers/streamers";
import { ZCaptionsInput } from "@/lib/studio/captions";
import { ZExportRequest } from "@/lib/studio/exports";
import { ZFacecamBox } from "@/lib/studio/reframe/facecam-box";
import { ZManualClip } from "@/lib/studio/session-view";
import { ZRange } from "@/lib/studio/trim-clip";

/**
 * Who may call an operation: `user` a signed-in session or an API token (a read token: GET/HEAD only);
 * `public` anyone; the others carry a signature of their own.
 */
export type TAuth = "user" | "signed-in" | "public" | "signed-url" | "recorder" | "livekit" | "runner";

export type TOperation = {
  tag: string;
  summary: string;
  description?: string;
  auth: TAuth;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A body that is not JSON (tus, the Inngest protocol). */
  bodyType?: string;
  ok: { status: number; description: string; type?: string };
  /** The error codes this operation answers besides those of its auth (401, 403, 429). */
  errors: TErrorCode[];
};

const ids = (what: string) => z.object({ ids: z.string().meta({ description: `${what} ids, comma-separated` }) });
const body = ["bad_request", "invalid_input", "payload_too_large"] satisfies TErrorCode[];

/**
 * Every operation of the API, keyed `METHOD /api/path/[param]` as the route files lie on disk: its inputs are
 * the zod schemas the routes parse with, so this is their one description. A route added without an entry
 * here fails lib/openapi/document.test.ts.
 */
export const OPERATIONS: Record<string, TOperation> = {
  // Clips
  "GET /api/clips": {
    tag: "Clips",
    summary: "List clips (newest first, keyset paging)",
    auth: "user",
    query: ZClipQuery,
    ok: { status: 200, description: "`{ clips, nextCursor }`; 304 when the page is unchanged (ETag)." },
    errors: ["invalid_input"],
  },
  "GET /api/clips/[id]": {
    tag: "Clips",
    summary: "One clip, with signed media URLs",
    auth: "user",
    ok: { status: 200, description: "`{ clip }`" },
    errors: ["not_found"],
  },
  "PATCH /api/clips/[id]": {
    tag: "Clips",
    summary: "Review a clip (approve, reject, back to pending) or mark it favourite",
    auth: "user",
    body: ZClipReviewPatch,
    ok: { status: 200, description: "`{ clip }`" },
    errors: [...body, "not_found"],
  },
  "DELETE /api/clips/[id]": {
    tag: "Clips",
    summary: "Delete a clip with its files",
    auth: "user",
    ok: { status: 204, description: "Deleted." },
    errors: ["not_found"],
  },
  "POST /api/clips/[id]/retry": {
    tag: "Clips",
    summary: "Render a failed clip again",
    auth: "user",
    body: ZRetryClip,
    ok: { status: 202, description: "`{ clip }`, queued." },
    errors: [...body, "not_found", "conflict"],
  },
  "POST /api/clips/[id]/share": {
    tag: "Clips",
    summary: "Make a public share link",
    auth: "user",
    ok: { status: 200, description: "`{ shareSlug, url }`" },
    errors: ["not_found"],
  },
  "DELETE /api/clips/[id]/share": {
    tag: "Clips",
    summary: "Revoke the share link (its page and media URLs stop at once)",
    auth: "user",
    ok: { status: 204, description: "Revoked." },
    errors: ["not_found"],
  },
  "GET /api/clips/[id]/metadata": {
    tag: "Clips",
    summary: "The clip for other editors: stream range, word timings, captions, exports' crop and layout",
    auth: "user",
    ok: { status: 200, description: "A JSON download (`clipstream.clip-metadata/1`)." },
    errors: ["not_found"],
  },
  "GET /api/clips/metadata": {
    tag: "Clips",
    summary: "Several clips' metadata in one JSON download (at most 100)",
    auth: "user",
    query: ids("Clip"),
    ok: { status: 200, description: "`{ format, clips }` as a download." },
    errors: ["invalid_input", "not_found"],
  },
  "GET /api/search": {
    tag: "Clips",
    summary: "Full-text search over transcripts and clip titles",
    auth: "user",
    query: ZSearchQuery,
    ok: { status: 200, description: "`{ q, moments, clips }`" },
    errors: ["invalid_input"],
  },
  // Studio
  "GET /api/clips/[id]/captions": {
    tag: "Studio",
    summary: "The clip's captions (edited, or from the transcript); `?format=srt|vtt` downloads them",
    auth: "user",
    query: z.object({ format: z.enum(["json", "srt", "vtt"]).optional() }),
    ok: { status: 200, description: "`{ edited, duration, cues }`, or the SRT/WebVTT file." },
    errors: ["invalid_input", "not_found"],
  },
  "PUT /api/clips/[id]/captions": {
    tag: "Studio",
    summary: "Replace the captions with edited cues (clip seconds)",
    auth: "user",
    body: ZCaptionsInput,
    ok: { status: 200, description: "`{ edited: true, duration, cues }`" },
    errors: [...body, "not_found"],
  },
  "DELETE /api/clips/[id]/captions": {
    tag: "Studio",
    summary: "Drop the edits: captions follow the transcript again",
    auth: "user",
    ok: { status: 204, description: "Reset." },
    errors: ["not_found"],
  },
  "POST /api/clips/[id]/trim": {
    tag: "Studio",
    summary: "Trim to a new stream-time range (re-rendered frame-accurately; the old file stays until then)",
    auth: "user",
    body: ZRange,
    ok: { status: 202, description: "`{ clip }` with the pending trim." },
    errors: [...body, "not_found", "conflict", "quota_exceeded"],
  },
  "GET /api/clips/[id]/preview": {
    tag: "Studio",
    summary: "A low-resolution proxy of the trim window",
    auth: "user",
    ok: { status: 200, description: '`{ status: "ready", url, start, end }`; 202 while it renders.' },
    errors: ["not_found", "conflict"],
  },
  "GET /api/clips/[id]/waveform": {
    tag: "Studio",
    summary: "Loudness around the clip, for the trim editor",
    auth: "user",
    ok: { status: 200, description: "`{ start, end, step, peaks }`" },
    errors: ["not_found"],
  },
  "GET /api/exports": {
    tag: "Exports",
    summary: "Exports by id, or a clip's exports",
    auth: "user",
    query: z.object({
      ids: z.string().optional().meta({ description: "Export ids, comma-separated" }),
      clipId: z.string().optional(),
    }),
    ok: { status: 200, description: "`{ exports }` with progress and, when ready, signed URLs." },
    errors: ["invalid_input"],
  },
  "POST /api/exports": {
    tag: "Exports",
    summary: "Export clips for a platform (preset, layout, captions burned in)",
    auth: "user",
    body: ZExportRequest,
    ok: { status: 202, description: "`{ exports }`, queued." },
    errors: [...body, "not_found", "quota_exceeded"],
  },
  "GET /api/exports/zip": {
    tag: "Exports",
    summary: "Ready exports as one zip",
    auth: "user",
    query: ids("Export"),
    ok: { status: 200, description: "application/zip", type: "application/zip" },
    errors: ["invalid_input", "not_found"],
  },
  // Streamers and recording
  "GET /api/streamers": {
    tag: "Streamers",
    summary: "The streamers you watch",
    auth: "user",
    ok: { status: 200, description: "`{ streamers }`" },
    errors: [],
  },
  "POST /api/streamers": {
    tag: "Streamers",
    summary: "Add a streamer: a pump.fun mint or URL, `livekit:<room>`, or an HLS/RTMP/HTTP source",
    auth: "user",
    body: ZCreateStreamer,
    ok: { status: 201, description: "`{ streamer }`; checked for going live at once." },
    errors: [...body, "conflict", "quota_exceeded"],
  },
  "GET /api/streamers/[id]": {
    tag: "Streamers",
    summary: "One streamer with its settings",
    auth: "user",
    ok: { status: 200, description: "`{ streamer }`" },
    errors: ["not_found"],
  },
  "PATCH /api/streamers/[id]": {
    tag: "Streamers",
    summary: "Change a streamer's name, watching, segment length, clip lengths, keywords, prompt, output",
    auth: "user",
    body: ZUpdateStreamer,
    ok: { status: 200, description: "`{ streamer }`" },
    errors: [...body, "not_found"],
  },
  "DELETE /api/streamers/[id]": {
    tag: "Streamers",
    summary: "Remove a streamer, keeping or deleting its clips",
    auth: "user",
    query: ZRemoveStreamer,
    ok: { status: 200, description: "`{ kept, deletedBlobs }`" },
    errors: ["invalid_input", "not_found"],
  },
  "POST /api/streamers/[id]/ingress": {
    tag: "Streamers",
    summary: "A LiveKit ingress (RTMP or WHIP) to broadcast into your room",
    auth: "user",
    body: ZCreateIngress,
    ok: { status: 201, description: "`{ ingress }` with its URL and stream key." },
    errors: [...body, "not_found", "conflict", "unavailable"],
  },
  "GET /api/streamers/[id]/facecam": {
    tag: "Streamers",
    summary: "The streamer's facecam box and a still frame to draw it on",
    auth: "user",
    ok: {
      status: 200,
      description:
        "`{ facecamBox, frame }`: the box as fractions of the frame (null until chosen); `frame.url` a still of the stream (null before its first ready clip).",
    },
    errors: ["not_found"],
  },
  "PUT /api/streamers/[id]/facecam": {
    tag: "Streamers",
    summary: "Choose the facecam box the split export layout puts on top",
    auth: "user",
    body: ZFacecamBox,
    ok: { status: 200, description: "`{ facecamBox }`" },
    errors: [...body, "not_found"],
  },
  "DELETE /api/streamers/[id]/facecam": {
    tag: "Streamers",
    summary: "Clear the facecam box",
    auth: "user",
    ok: { status: 200, description: "`{ facecamBox: null }`" },
    errors: ["not_found"],
  },
  "GET /api/streamers/[id]/recording": {
    tag: "Recording",
    summary: "The streamer's recording in progress",
    auth: "user",
    ok: { status: 200, description: "`{ recording }` (null when none)." },
    errors: ["not_found"],
  },
  "POST /api/streamers/[id]/recording": {
    tag: "Recording",
    summary: "Record now, without waiting for the 30-s check",
    auth: "user",
    ok: { status: 201, description: "`{ recording }`" },
    errors: ["not_found", "not_live", "already_recording", "quota_exceeded", "unavailable"],
  },
  "DELETE /api/streamers/[id]/recording": {
    tag: "Recording",
    summary: "Stop the recording in progress (its last segment is clipped as usual)",
    auth: "user",
    ok: { status: 200, description: "`{ session }`" },
    errors: ["not_found", "not_recording", "unavailable"],
  },
  "POST /api/streamers/[id]/replays": {
    tag: "Recording",
    summary: "Replay a recording (HLS VOD or .mp4 link) into the streamer",
    auth: "user",
    body: ZImportUrl,
    ok: { status: 201, description: "`{ recording }`: the replay's session." },
    errors: [...body, "not_found", "quota_exceeded", "unavailable"],
  },
  "GET /api/recordings": {
    tag: "Recording",
    summary: "Every recording in progress",
    auth: "user",
    ok: { status: 200, description: "`{ recordings }`" },
    errors: [],
  },
  "GET /api/recording/formats": {
    tag: "Recording",
    summary: "What this machine's ffmpeg can record to, and the quality presets",
    auth: "user",
    ok: { status: 200, description: "`{ outputs, qualities }`" },
    errors: [],
  },
  "POST /api/uploads": {
    tag: "Recording",
    summary: "tus creation of a resumable upload of a recording to replay",
    description: "Upload-Metadata: `filename`, `streamerId`, `pace` (fast|live). Any tus 1.0 client works.",
    auth: "user",
    bodyType: "application/offset+octet-stream",
    ok: { status: 201, description: "Location of the upload." },
    errors: ["invalid_input", "not_found", "payload_too_large", "quota_exceeded"],
  },
  "HEAD /api/uploads/[id]": {
    tag: "Recording",
    summary: "tus: how much of the upload is stored (Upload-Offset)",
    auth: "user",
    ok: { status: 200, description: "Upload-Offset and Upload-Length headers." },
    errors: ["not_found"],
  },
  "PATCH /api/uploads/[id]": {
    tag: "Recording",
    summary: "tus: append bytes at Upload-Offset; the last one starts the replay",
    auth: "user",
    bodyType: "application/offset+octet-stream",
    ok: { status: 204, description: "The new Upload-Offset." },
    errors: ["not_found", "conflict", "payload_too_large"],
  },
  "DELETE /api/uploads/[id]": {
    tag: "Recording",
    summary: "tus: abandon the upload",
    auth: "user",
    ok: { status: 204, description: "Deleted." },
    errors: ["not_found"],
  },
  // Sessions
  "GET /api/sessions/[id]": {
    tag: "Sessions",
    summary: "A recording session: segments, clips, loudness, pump.fun coin activity",
    auth: "user",
    ok: { status: 200, description: "`{ session }`" },
    errors: ["not_found"],
  },
  "POST /api/sessions/[id]/clips": {
    tag: "Sessions",
    summary: "Clip a stored range `{ start, end }`, or the last seconds of the live stream `{ last, at? }`",
    auth: "user",
    body: z.union([ZManualClip, ZLiveClip]),
    ok: { status: 202, description: "`{ clip }`, rendering." },
    errors: [...body, "not_found", "conflict", "quota_exceeded"],
  },
  "GET /api/sessions/[id]/live": {
    tag: "Sessions",
    summary: "The live edge: buffer, lag, mode, the session's clips",
    auth: "user",
    ok: { status: 200, description: "`{ live }`" },
    errors: ["not_found"],
  },
  "GET /api/sessions/[id]/live.m3u8": {
    tag: "Sessions",
    summary: "The live buffer as an HLS media playlist (signed part URLs)",
    auth: "user",
    ok: {
      status: 200,
      description: "HLS playlist; X-Live-Edge in session seconds.",
      type: "application/vnd.apple.mpegurl",
    },
    errors: ["not_found"],
  },
  "DELETE /api/sessions/[id]/recording": {
    tag: "Sessions",
    summary: "Stop this session's recording (a replay or a live one)",
    auth: "user",
    ok: { status: 200, description: "`{ session }`" },
    errors: ["not_found", "not_recording", "unavailable"],
  },
  "POST /api/sessions/[id]/replay": {
    tag: "Sessions",
    summary: "Start again a replay whose start failed",
    auth: "user",
    ok: { status: 202, description: "`{ session }`" },
    errors: ["not_found", "conflict", "quota_exceeded", "unavailable"],
  },
  "POST /api/segments/[id]/retry": {
    tag: "Sessions",
    summary: "Process a failed segment again",
    auth: "user",
    ok: { status: 202, description: "`{ ok: true }`, queued." },
    errors: ["not_found", "conflict"],
  },
  "POST /api/segments/[id]/redetect": {
    tag: "Sessions",
    summary: "Detect again on a processed segment with the streamer's current settings",
    auth: "user",
    body: ZRedetectRequest,
    ok: { status: 202, description: "`{ ok: true }`, queued." },
    errors: [...body, "not_found", "conflict"],
  },
  "GET /api/dashboard": {
    tag: "Sessions",
    summary: "Streamers, live sessions and recent clips in one answer (the dashboard)",
    auth: "user",
    ok: { status: 200, description: "`{ streamers, sessions, … }`; 304 when unchanged." },
    errors: [],
  },
  "GET /api/events": {
    tag: "Sessions",
    summary: "Server-Sent Events: your clips, segments and sessions as they change",
    auth: "user",
    ok: { status: 200, description: "text/event-stream: `ready`, then `change` events.", type: "text/event-stream" },
    errors: [],
  },
  "GET /api/analytics": {
    tag: "Sessions",
    summary:
      "Hours recorded, clips, clips per hour, approval, score, moment-to-clip latency, keywords; per day, streamer, session",
    description:
      "Days are counted in `tz` (default UTC; the last 30 days unless `from`/`to`). `format=csv` downloads `table`.",
    auth: "user",
    query: ZAnalyticsQuery,
    ok: { status: 200, description: "`{ range, totals, daily, streamers, sessions, keywords, signals }`, or CSV." },
    errors: ["invalid_input", "not_found"],
  },
  // Account
  "GET /api/settings": {
    tag: "Account",
    summary: "Account settings (retention)",
    auth: "user",
    ok: { status: 200, description: "`{ settings }`" },
    errors: [],
  },
  "PATCH /api/settings": {
    tag: "Account",
    summary: "Change how long raw recordings are kept",
    auth: "user",
    body: ZUpdateSettings,
    ok: { status: 200, description: "`{ settings }`" },
    errors: body,
  },
  "GET /api/push": {
    tag: "Account",
    summary: "The server's VAPID public key (for PushManager.subscribe) and the account's notified devices",
    auth: "user",
    ok: { status: 200, description: "`{ publicKey, devices }`" },
    errors: [],
  },
  "POST /api/push/subscriptions": {
    tag: "Account",
    summary: "This browser gets a notification when a clip is ready (its PushSubscription.toJSON())",
    auth: "user",
    body: ZPushSubscription,
    ok: { status: 201, description: "`{ publicKey, devices }`" },
    errors: [...body, "quota_exceeded"],
  },
  "DELETE /api/push/subscriptions": {
    tag: "Account",
    summary: "This browser no longer gets notifications",
    auth: "user",
    body: ZPushUnsubscribe,
    ok: { status: 200, description: "`{ publicKey, devices }`" },
    errors: [...body, "not_found"],
  },
  "GET /api/tokens": {
    tag: "Account",
    summary: "Your API tokens (never their secrets)",
    auth: "signed-in",
    ok: { status: 200, description: "`{ tokens }`" },
    errors: [],
  },
  "POST /api/tokens": {
    tag: "Account",
    summary: "Create an API token; the answer is the only one holding its secret",
    auth: "signed-in",
    body: ZCreateToken,
    ok: { status: 201, description: "`{ token, secret }`" },
    errors: [...body, "quota_exceeded"],
  },
  "DELETE /api/tokens/[id]": {
    tag: "Account",
    summary: "Revoke an API token (its next request gets 401)",
    auth: "signed-in",
    ok: { status: 204, description: "Revoked." },
    errors: ["not_found"],
  },
  // Webhooks
  "GET /api/webhook-endpoints": {
    tag: "Webhooks",
    summary: "Your webhook endpoints, with their latest delivery",
    auth: "user",
    ok: { status: 200, description: "`{ endpoints }`" },
    errors: [],
  },
  "POST /api/webhook-endpoints": {
    tag: "Webhooks",
    summary: "Register an endpoint for events; the answer holds its signing secret, once",
    auth: "user",
    body: ZCreateEndpoint,
    ok: { status: 201, description: "`{ endpoint, secret }`" },
    errors: [...body, "quota_exceeded"],
  },
  "PATCH /api/webhook-endpoints/[id]": {
    tag: "Webhooks",
    summary: "Change an endpoint's URL, description or events, or disable it",
    auth: "user",
    body: ZUpdateEndpoint,
    ok: { status: 200, description: "`{ endpoint }`" },
    errors: [...body, "not_found"],
  },
  "DELETE /api/webhook-endpoints/[id]": {
    tag: "Webhooks",
    summary: "Delete an endpoint and its delivery log",
    auth: "user",
    ok: { status: 204, description: "Deleted." },
    errors: ["not_found"],
  },
  "POST /api/webhook-endpoints/[id]/secret": {
    tag: "Webhooks",
    summary: "A new signing secret, shown once",
    auth: "user",
    ok: { status: 200, description: "`{ secret }`" },
    errors: ["not_found"],
  },
  "POST /api/webhook-endpoints/[id]/test": {
    tag: "Webhooks",
    summary: "Send a webhook.test delivery now",
    auth: "user",
    ok: { status: 202, description: "`{ deliveryId }`" },
    errors: ["not_found"],
  },
  "GET /api/webhook-endpoints/[id]/deliveries": {
    tag: "Webhooks",
    summary: "The endpoint's 50 latest deliveries: event, status, attempts, last answer",
    auth: "user",
    ok: { status: 200, description: "`{ deliveries }`" },
    errors: ["not_found"],
  },
  // Public and signed
  "GET /api/health": {
    tag: "Meta",
    summary: "Health for load balancers and containers: 200 when the database answers, else 503",
    auth: "public",
    ok: { status: 200, description: '`{ status: "ok", database: "ok", ms }`' },
    errors: ["unavailable"],
  },
  "GET /api/openapi.json": {
    tag: "Meta",
    summary: "This description of the API (OpenAPI 3.1)",
    auth: "public",
    ok: { status: 200, description: "The OpenAPI document." },
    errors: [],
  },
  "GET /api/media/[...key]": {
    tag: "Meta",
    summary: "Stored media behind a signed URL (the URLs other answers carry), with Range support",
    auth: "signed-url",
    query: z.object({ exp: z.string(), sig: z.string(), share: z.string().optional() }),
    ok: { status: 200, description: "The file; 206 for a range.", type: "application/octet-stream" },
    errors: ["not_found"],
  },
  "GET /api/auth/[...all]": {
    tag: "Internal",
    summary: "better-auth: sessions (get-session, sign-out, …)",
    auth: "public",
    ok: { status: 200, description: "better-auth's own answers." },
    errors: [],
  },
  "POST /api/auth/[...all]": {
    tag: "Internal",
    summary: "better-auth: sign up, sign in, change password, reset, delete account",
    auth: "public",
    ok: { status: 200, description: "better-auth's own answers." },
    errors: ["rate_limited"],
  },
  "POST /api/webhooks/recorder": {
    tag: "Internal",
    summary: "The recorder announces a segment, an audio chunk or a session's end (HMAC-signed)",
    auth: "recorder",
    body: ZRecorderWebhook,
    ok: { status: 200, description: "`{ ok: true, … }` (a repeated delivery is acknowledged as a duplicate)." },
    errors: [...body, "not_found", "stale_lease"],
  },
  "POST /api/recorder/heartbeat": {
    tag: "Internal",
    summary: "A fleet recorder registers and renews its session leases (signed per request)",
    auth: "recorder",
    body: ZRecorderHeartbeat,
    ok: {
      status: 200,
      description: "`{ heartbeatSeconds, stale, assign }`: sessions it lost to another recorder, sessions to start.",
    },
    errors: [...body],
  },
  "GET /api/recorder/sessions": {
    tag: "Internal",
    summary: "The recorder, after a restart: sessions it should be recording (signed per request)",
    auth: "recorder",
    ok: { status: 200, description: "`{ sessions }`" },
    errors: [],
  },
  "POST /api/recorder/livekit-token": {
    tag: "Internal",
    summary: "The recorder: a fresh hidden-viewer token for a recording LiveKit room (signed per request)",
    auth: "recorder",
    body: ZLivekitTokenRequest,
    ok: { status: 200, description: "`{ source }`: the room's URL with a fresh token." },
    errors: [...body, "not_found"],
  },
  "POST /api/webhooks/livekit": {
    tag: "Internal",
    summary: "LiveKit Egress and room webhooks (JWT in Authorization, body digest checked)",
    auth: "livekit",
    bodyType: "application/webhook+json",
    ok: { status: 200, description: "Taken." },
    errors: [...body],
  },
  "GET /api/inngest": {
    tag: "Internal",
    summary: "Inngest serve endpoint: function registry (job engine only)",
    auth: "runner",
    ok: { status: 200, description: "Inngest protocol." },
    errors: [],
  },
  "POST /api/inngest": {
    tag: "Internal",
    summary: "Inngest serve endpoint: run a function step (job engine only)",
    auth: "runner",
    bodyType: "application/json",
    ok: { status: 200, description: "Inngest protocol." },
    errors: [],
  },
  "PUT /api/inngest": {
    tag: "Internal",
    summary: "Inngest serve endpoint: register the app's functions (job engine only)",
    auth: "runner",
    ok: { status: 200, description: "Inngest protocol." },
    errors: [],
  },
};
