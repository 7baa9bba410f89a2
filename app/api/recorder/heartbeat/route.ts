import { env } from "@/lib/env";
import { api } from "@/lib/http/api";
import { AppError } from "@/lib/http/errors";
import { parseJson, readBody } from "@/lib/http/read-json";
import { ZRecorderHeartbeat } from "@/lib/recorder/protocol";
import { recordHeartbeat } from "@/lib/recorder/record-heartbeat";
import { SIGNATURE_HEADER, verifyRequest } from "@/lib/signing";
import { claimNonce } from "@/lib/webhooks/claim-delivery";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Recorder fleet: registration and heartbeat (lib/recorder/record-heartbeat.ts). Signed like the active-session
 * list (`signRequest`: bound to POST, this path and the body, with a nonce accepted once).
 */
export const POST = api(async (req) => {
  const body = await readBody(req, 1024 * 1024);
  const url = new URL(req.url);
  const check = verifyRequest(
    env.recorderSecret,
    { method: "POST", path: `${url.pathname}${url.search}`, body },
    req.headers.get(SIGNATURE_HEADER),
  );
  if (!check.ok) throw new AppError("unauthorized", `Invalid signature (${check.reason}).`);
  await claimNonce("recorder", check.nonce, "Invalid signature (replayed).");
  return Response.json(await recordHeartbeat(parseJson(body, ZRecorderHeartbeat)));
});
