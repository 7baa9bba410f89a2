import { env } from "@/lib/env";
import { api } from "@/lib/http/api";
import { AppError } from "@/lib/http/errors";
import { startRequestsFor } from "@/lib/recorder/start-requests";
import { SIGNATURE_HEADER, verifyRequest } from "@/lib/signing";
import { claimNonce } from "@/lib/webhooks/claim-delivery";

export const dynamic = "force-dynamic";

/**
 * For a recorder run without the fleet, after a restart: every session that should still be recording and that
 * no fleet recorder holds (a fleet recorder gets its own through its heartbeat). Signed like the app's control calls (`signRequest`: bound to
 * GET and this path, with a nonce accepted once), so a captured request cannot be replayed to read the list
 * again. A LiveKit room's source carries a freshly minted viewer token, so a restarted recorder rejoins with a
 * valid one.
 */
export const GET = api(async (req) => {
  const url = new URL(req.url);
  const check = verifyRequest(
    env.recorderSecret,
    { method: "GET", path: `${url.pathname}${url.search}`, body: "" },
    req.headers.get(SIGNATURE_HEADER),
  );
  if (!check.ok) throw new AppError("unauthorized", `Invalid signature (${check.reason}).`);
  await claimNonce("recorder", check.nonce, "Invalid signature (replayed).");
  // Sessions a fleet recorder holds are its own (handed over through heartbeats), not this recorder's.
  return Response.json({ sessions: await startRequestsFor({ recorderId: null }) });
});
