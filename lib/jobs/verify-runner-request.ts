import { AppError } from "@/lib/http/errors";
import { verifyRequest } from "@/lib/signing";
import { claimNonce } from "@/lib/webhooks/claim-delivery";
import { RUNNER_SIGNATURE_HEADER, runnerSigningSecret } from "./runner-auth";

/**
 * Guard of /api/inngest when the SDK does not verify requests itself (embedded runner, dev mode): the
 * request must carry the runner's signature over method, path, query and body, within the 5-minute
 * window, and its nonce is accepted once (a row in WebhookReceipt). Throws AppError("unauthorized").
 */
export async function verifyRunnerRequest(req: Request): Promise<void> {
  const url = new URL(req.url);
  const body = req.method === "GET" || req.method === "HEAD" ? "" : await req.clone().text();
  const check = verifyRequest(
    runnerSigningSecret(),
    { method: req.method, path: `${url.pathname}${url.search}`, body },
    req.headers.get(RUNNER_SIGNATURE_HEADER),
  );
  if (!check.ok) throw new AppError("unauthorized", `Invalid runner signature (${check.reason}).`);
  await claimNonce("runner", check.nonce, "Invalid runner signature (replayed).");
}
