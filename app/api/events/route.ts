import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { openEventStream } from "@/lib/push/open-event-stream";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Server-Sent Events: the signed-in user's clip, segment, session and streamer changes (docs/decisions/011). */
export const GET = api(async (req) => {
  const user = await requireUser();
  const body = await openEventStream(user.id, req.signal);
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
});
