import { env } from "@/lib/env";
import { SIGNATURE_HEADER, signRequest } from "@/lib/signing";
import type { TStartRecording } from "./protocol";

/** App → recorder control calls, signed with RECORDER_SECRET over method, path and body, with a nonce. */
async function call(method: string, path: string, body?: unknown): Promise<Response> {
  const text = body === undefined ? "" : JSON.stringify(body);
  const url = new URL(path, env.RECORDER_URL);
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

export async function startRecording(req: TStartRecording): Promise<void> {
  const res = await call("POST", "/sessions", req);
  if (!res.ok) throw new Error(`recorder refused session ${req.sessionId}: ${res.status} ${await res.text()}`);
}

/** Resolves false when the recorder has no such recording (404), true once it is stopping. */
export async function stopRecording(sessionId: string): Promise<boolean> {
  const res = await call("DELETE", `/sessions/${encodeURIComponent(sessionId)}`);
  if (!res.ok && res.status !== 404) throw new Error(`recorder could not stop ${sessionId}: ${res.status}`);
  return res.ok;
}
