import { env } from "@/lib/env";
import { SIGNATURE_HEADER, signRequest } from "@/lib/signing";
import type { TStartRecording } from "./protocol";

/** App → recorder control calls, signed with RECORDER_SECRET over method, path and body, with a nonce. */
export async function callRecorder(base: string, method: string, path: string, body?: unknown): Promise<Response> {
  const text = body === undefined ? "" : JSON.stringify(body);
  const url = new URL(path, base);
  return fetch(url, {
    method,
    headers: {
      "content-type": "application/json",
      [SIGNATURE_HEADER]: signRequest(env.recorderSecret, method, `${url.pathname}${url.search}`, text),
    },
    body: method === "GET" ? undefined : text,
    signal: AbortSignal.timeout(10_000),
  });
}

/**
 * Seconds of the audio chunks the recorder sends ahead (LIVE_CHUNK_SECONDS), whatever the segment length:
 * each chunk is transcribed and run through live detection as it lands (lib/pipeline/live-detect.ts), and a
 * closing segment reuses the chunks' words (lib/pipeline/early-audio.ts).
 */
export function liveChunkSeconds(): number {
  return env.LIVE_CHUNK_SECONDS;
}

/**
 * Leases the session to the least-loaded live recorder (lib/recorder/assign-session.ts; RECORDER_URL when
 * none is registered) and asks it to record, with the lease's epoch and the next segment number.
 */
export async function startRecording(req: TStartRecording): Promise<void> {
  const { assignSession } = await import("./assign-session");
  const { url, lease } = await assignSession(req.sessionId);
  const res = await callRecorder(url, "POST", "/sessions", { ...req, lease });
  if (!res.ok) throw new Error(`recorder refused session ${req.sessionId}: ${res.status} ${await res.text()}`);
}

/** Resolves false when the recorder has no such recording (404), true once it is stopping. */
export async function stopRecording(sessionId: string): Promise<boolean> {
  const { recorderUrlOf } = await import("./recorder-url-of");
  const res = await callRecorder(
    await recorderUrlOf(sessionId),
    "DELETE",
    `/sessions/${encodeURIComponent(sessionId)}`,
  );
  if (!res.ok && res.status !== 404) throw new Error(`recorder could not stop ${sessionId}: ${res.status}`);
  return res.ok;
}
