import { api } from "@/lib/http/api";
import { verifyRecorderCall } from "@/lib/recorder/verify-recorder-call";
import { startRequestsFor } from "@/lib/recorder/start-requests";

export const dynamic = "force-dynamic";

/**
 * For a recorder run without the fleet, after a restart: every session that should still be recording and that
 * no fleet recorder holds (a fleet recorder gets its own through its heartbeat). Signed like the app's control calls (`signRequest`: bound to
 * GET and this path, with a nonce accepted once), so a captured request cannot be replayed to read the list
 * again. A LiveKit room's source carries a freshly minted viewer token, so a restarted recorder rejoins with a
 * valid one.
 */
export const GET = api(async (req) => {
  await verifyRecorderCall(req);
  // Sessions a fleet recorder holds are its own (handed over through heartbeats), not this recorder's.
  return Response.json({ sessions: await startRequestsFor({ recorderId: null }) });
});
