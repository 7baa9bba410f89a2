import { api } from "@/lib/http/api";
import { verifyRecorderCall } from "@/lib/recorder/verify-recorder-call";
import { parseJson } from "@/lib/http/read-json";
import { ZRecorderHeartbeat } from "@/lib/recorder/protocol";
import { recordHeartbeat } from "@/lib/recorder/record-heartbeat";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Recorder fleet: registration and heartbeat (lib/recorder/record-heartbeat.ts). Signed like the active-session
 * list (`signRequest`: bound to POST, this path and the body, with a nonce accepted once).
 */
export const POST = api(async (req) => {
  const body = await verifyRecorderCall(req, 1024 * 1024);
  return Response.json(await recordHeartbeat(parseJson(body, ZRecorderHeartbeat)));
});
