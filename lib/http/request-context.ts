import { AsyncLocalStorage } from "node:async_hooks";
import type { TTokenCaller } from "@/lib/api-tokens/tokens";

/** What lib/http/api.ts knows of the API request being served, for requireUser (lib/auth/server.ts). */
export type TApiRequest = {
  method: string;
  /** The `Authorization: Bearer …` header, when the request carries an API token. */
  bearer: string | null;
  /** The token's check, done once per request however often requireUser is called. */
  caller?: Promise<TTokenCaller>;
};

const storage = new AsyncLocalStorage<TApiRequest>();

export function runApiRequest<T>(req: Request, fn: () => Promise<T>): Promise<T> {
  const authorization = req.headers.get("authorization");
  const bearer = authorization && /^bearer\s/i.test(authorization) ? authorization : null;
  return storage.run({ method: req.method, bearer }, fn);
}

/** The API request being served (null outside lib/http/api.ts's wrapper: pages, signed webhooks' own code). */
export function currentApiRequest(): TApiRequest | null {
  return storage.getStore() ?? null;
}
