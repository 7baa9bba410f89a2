import { AppError } from "@/lib/http/errors";
import { readBody } from "@/lib/http/read-json";
import { verifyRequest } from "@/lib/signing";
import { claimNonce } from "@/lib/webhooks/claim-delivery";
import { RUNNER_SIGNATURE_HEADER, runnerSigningSecret } from "./runner-auth";

/**
 * Largest body /api/inngest accepts (413 past it). Inngest caps a run's whole state at 32 MB, and the
 * embedded runner sends no more than that (step outputs are small; media and transcripts live in blobs).
 */
export const INNGEST_MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Reads /api/inngest's body within INNGEST_MAX_BODY_BYTES (AppError "payload_too_large" past it) from a clone,
 * so the SDK can still read the request itself.
 */
export async function readInngestBody(req: Request): Promise<string> {
  if (req.method === "GET" || req.method === "HEAD") return "";
  return readBody(req.clone(), INNGEST_MAX_BODY_BYTES);
}

/**
 * Guard of /api/inngest when the SDK does not verify requests itself (embedded runner, dev mode): the
 * request must carry the runner's signature over method, path, query and body, within the 5-minute
 * window, and its nonce is accepted once (a row in WebhookReceipt). A request with no signature is refused
 * before its body is read; a signed one is read within the size bound, verified, and only then reaches the
 * SDK, which parses it. Throws AppError("unauthorized") or AppError("payload_too_large").
 */
export async function verifyRunnerRequest(req: Request): Promise<void> {
  const header = req.headers.get(RUNNER_SIGNATURE_HEADER);
  if (!header) throw new AppError("unauthorized", "Invalid runner signature (missing).");
  const url = new URL(req.url);
  const body = await readInngestBody(req);
  const check = verifyRequest(
    runnerSigningSecret(),
    { method: req.method, path: `${url.pathname}${url.search}`, body },
    header,
  );
  if (!check.ok) throw new AppError("unauthorized", `Invalid runner signature (${check.reason}).`);
  await claimNonce("runner", check.nonce, "Invalid runner signature (replayed).");
}
