import { env } from "@/lib/env";

const cache = new Map<string, readonly string[]>();

/** The origins the app is served from: APP_URL's, plus its 127.0.0.1 ⇄ localhost twin for local use. Computed once per URL. */
export function appOrigins(url: string = env.APP_URL): readonly string[] {
  let origins = cache.get(url);
  if (!origins) {
    const u = new URL(url);
    const alt = new URL(url);
    if (u.hostname === "127.0.0.1") alt.hostname = "localhost";
    else if (u.hostname === "localhost") alt.hostname = "127.0.0.1";
    origins = [...new Set([u.origin, alt.origin])];
    cache.set(url, origins);
  }
  return origins;
}
