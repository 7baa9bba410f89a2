import { appOrigins } from "./app-origins";
import { AppError, handleApiError } from "./errors";

type TRouteContext<P> = { params: Promise<P> };

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * CSRF, on top of SameSite=Lax session cookies: a state-changing request that carries cookies and comes from
 * another site (its Origin is not the app's, or, without Origin, the browser marks it cross-site) is refused.
 * Requests without cookies (signed webhooks, API clients) are not concerned.
 */
function isCrossSiteWithCookies(req: Request): boolean {
  if (!UNSAFE_METHODS.has(req.method) || !req.headers.has("cookie")) return false;
  const origin = req.headers.get("origin");
  if (origin !== null) return !appOrigins().includes(origin);
  return req.headers.get("sec-fetch-site") === "cross-site";
}

/**
 * Wraps a route handler so every thrown error becomes `{ error: { code, message } }` with the right status,
 * after refusing cross-site state changes (403).
 */
export function api<P = Record<string, never>>(handler: (req: Request, params: P) => Promise<Response>) {
  return async (req: Request, ctx: TRouteContext<P>): Promise<Response> => {
    try {
      if (isCrossSiteWithCookies(req)) {
        throw new AppError("forbidden", "Cross-site request refused: make this change from Clipstream itself.");
      }
      return await handler(req, ctx ? await ctx.params : ({} as P));
    } catch (err) {
      return handleApiError(err);
    }
  };
}
