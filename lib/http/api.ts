import { handleApiError } from "./errors";

type TRouteContext<P> = { params: Promise<P> };

/** Wraps a route handler so every thrown error becomes `{ error: { code, message } }` with the right status. */
export function api<P = Record<string, never>>(handler: (req: Request, params: P) => Promise<Response>) {
  return async (req: Request, ctx: TRouteContext<P>): Promise<Response> => {
    try {
      return await handler(req, ctx ? await ctx.params : ({} as P));
    } catch (err) {
      return handleApiError(err);
    }
  };
}
