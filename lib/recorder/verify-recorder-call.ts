import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { readBody } from "@/lib/http/read-json";
import { SIGNATURE_HEADER, verifyRequest } from "@/lib/signing";
import { claimNonce } from "@/lib/webhooks/claim-delivery";

/**
 * A recorder's signed call to the app (`signRequest`: bound to the method, the path with its query and the
 * body, with a nonce accepted once): reads the body within `maxBytes` (none for GET), checks the signature and
 * claims the nonce. Returns the body. Throws AppError "unauthorized" or "payload_too_large".
 */
export async function verifyRecorderCall(req: Request, maxBytes = 0): Promise<string> {
  const body = req.method === "GET" ? "" : await readBody(req, maxBytes);
  const url = new URL(req.url);
  const check = verifyRequest(
    env.recorderSecret,
    { method: req.method, path: `${url.pathname}${url.search}`, body },
    req.headers.get(SIGNATURE_HEADER),
  );
  if (!check.ok) throw new AppError("unauthorized", `Invalid signature (${check.reason}).`);
  await claimNonce("recorder", check.nonce, "Invalid signature (replayed).");
  return body;
}
