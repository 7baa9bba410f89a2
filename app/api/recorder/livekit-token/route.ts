import { env } from "@/lib/env";
import { api } from "@/lib/http/api";
import { AppError } from "@/lib/http/errors";
import { parseJson, readBody } from "@/lib/http/read-json";
import { renewViewerToken } from "@/lib/livekit/renew-viewer-token";
import { ZLivekitTokenRequest } from "@/lib/recorder/protocol";
import { SIGNATURE_HEADER, verifyRequest } from "@/lib/signing";
import { claimNonce } from "@/lib/webhooks/claim-delivery";

export const dynamic = "force-dynamic";

/**
 * For the recorder, before a LiveKit room's viewer token expires: a fresh token for a session it records.
 * Signed like the active-session list (`signRequest` over POST, this path and the body, a nonce accepted once).
 */
export const POST = api(async (req) => {
  const body = await readBody(req, 4 * 1024);
  const url = new URL(req.url);
  const check = verifyRequest(
    env.recorderSecret,
    { method: "POST", path: `${url.pathname}${url.search}`, body },
    req.headers.get(SIGNATURE_HEADER),
  );
  if (!check.ok) throw new AppError("unauthorized", `Invalid signature (${check.reason}).`);
  await claimNonce("recorder", check.nonce, "Invalid signature (replayed).");
  const { sessionId } = parseJson(body, ZLivekitTokenRequest);
  return Response.json({ source: await renewViewerToken(sessionId) });
});
