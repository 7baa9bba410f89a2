import { appOrigins } from "./app-origins";
import { AppError, handleApiError } from "./errors";
import { runApiRequest } from "./request-context";

type TRouteContext<P> = { params: Promise<P> };

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * CSRF, on top of SameSite=Lax session cookies: a state-changing request that carries cookies and comes from
 * another site (its Origin is not the app's, or, without Origin, the browser marks it cross-site) is refused.
 * Requests without cookies (signed webhooks) and requests made with an API token (their cookies are not used, and
 * no other site can make a browser send an Authorization header) are not concerned.
 */
function isCrossSiteWithCookies(req: Request): boolean {
  if (!UNSAFE_METHODS.has(req.method) || !req.headers.has("cookie")) return false;
  if (/^bearer\s/i.test(req.headers.get("authorization") ?? "")) return false;
  const origin = req.headers.get("origin");
  if (origin !== null) return !appOrigins().includes(origin);
  return req.headers.get("sec-fetch-site") === "cross-site";
}

/**
 * Wraps a route handler so every thrown error becomes `{ error: { code, message } }` with the right status,
 * after refusing cross-site state changes (403). The handler runs with the request's method and API token known
 * to requireUser (lib/http/request-context.ts).
 */
export function api<P = Record<string, never>>(handler: (req: Request, params: P) => Promise<Response>) {
  return async (req: Request, ctx: TRouteContext<P>): Promise<Response> => {
    try {
      if (isCrossSiteWithCookies(req)) {
        throw new AppError("forbidden", "Cross-site request refused: make this change from Clipstream itself.");
      }
      const params = ctx ? await ctx.params : ({} as P);
      return await runApiRequest(req, () => handler(req, params));
    } catch (err) {
      return handleApiError(err);
    }
  };
}
