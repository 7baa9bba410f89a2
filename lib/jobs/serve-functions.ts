import "server-only";
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest";
import { handleApiError } from "@/lib/http/errors";
import { sdkVerifiesRequests } from "./runner-auth";
import { readInngestBody, verifyRunnerRequest } from "./verify-runner-request";

type THandler = (req: Request, ...rest: unknown[]) => Promise<Response>;

const handlers = serve({ client: inngest, functions });

/**
 * With Inngest Cloud (INNGEST_SIGNING_KEY, not dev mode) the SDK verifies every request. Otherwise only the
 * embedded runner may call: its signature is checked before the SDK sees the request (lib/jobs). Either way
 * the body is bounded (413) before the SDK reads it.
 */
function guarded(handler: THandler): THandler {
  return async (req, ...rest) => {
    try {
      if (sdkVerifiesRequests()) await readInngestBody(req);
      else await verifyRunnerRequest(req);
    } catch (err) {
      return handleApiError(err);
    }
    return handler(req, ...rest);
  };
}

/**
 * The app's Inngest functions behind the guard, as Web Request → Response handlers per method: served at
 * /api/inngest by the web app (app/api/inngest/route.ts re-exports them) and by the functions server
 * (lib/jobs/functions-server.ts), so both check the same signatures and body bound.
 */
export const serveFunctions = {
  GET: guarded(handlers.GET as THandler),
  POST: guarded(handlers.POST as THandler),
  PUT: guarded(handlers.PUT as THandler),
};
