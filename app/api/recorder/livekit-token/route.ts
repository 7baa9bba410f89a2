import { api } from "@/lib/http/api";
import { verifyRecorderCall } from "@/lib/recorder/verify-recorder-call";
import { parseJson } from "@/lib/http/read-json";
import { renewViewerToken } from "@/lib/livekit/renew-viewer-token";
import { ZLivekitTokenRequest } from "@/lib/recorder/protocol";

export const dynamic = "force-dynamic";

/**
 * For the recorder, before a LiveKit room's viewer token expires: a fresh token for a session it records.
 * Signed like the active-session list (`signRequest` over POST, this path and the body, a nonce accepted once).
 */
export const POST = api(async (req) => {
  const body = await verifyRecorderCall(req, 4 * 1024);
  const { sessionId } = parseJson(body, ZLivekitTokenRequest);
  return Response.json({ source: await renewViewerToken(sessionId) });
});
