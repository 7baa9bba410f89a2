import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest";
import { handleApiError } from "@/lib/http/errors";
import { sdkVerifiesRequests } from "@/lib/jobs/runner-auth";
import { readInngestBody, verifyRunnerRequest } from "@/lib/jobs/verify-runner-request";

export const runtime = "nodejs";
// Segment processing runs ffmpeg and speech recognition; allow long steps where the platform supports it.
export const maxDuration = 800;

const handlers = serve({ client: inngest, functions });

/**
 * With Inngest Cloud (INNGEST_SIGNING_KEY, not dev mode) the SDK verifies every request. Otherwise only the
 * embedded runner may call: its signature is checked before the SDK sees the request (lib/jobs). Either way
 * the body is bounded (413) before the SDK reads it.
 */
function guarded<A extends unknown[]>(handler: (req: Request, ...rest: A) => Promise<Response>) {
  return async (req: Request, ...rest: A): Promise<Response> => {
    try {
      if (sdkVerifiesRequests()) await readInngestBody(req);
      else await verifyRunnerRequest(req);
    } catch (err) {
      return handleApiError(err);
    }
    return handler(req, ...rest);
  };
}

export const GET = guarded(handlers.GET as (req: Request, ...rest: unknown[]) => Promise<Response>);
export const POST = guarded(handlers.POST as (req: Request, ...rest: unknown[]) => Promise<Response>);
export const PUT = guarded(handlers.PUT as (req: Request, ...rest: unknown[]) => Promise<Response>);
