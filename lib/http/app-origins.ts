import { env } from "@/lib/env";

/** The origins the app is served from: APP_URL's, plus its 127.0.0.1 ⇄ localhost twin for local use. */
export function appOrigins(url: string = env.APP_URL): string[] {
  const u = new URL(url);
  const alt = new URL(url);
  if (u.hostname === "127.0.0.1") alt.hostname = "localhost";
  else if (u.hostname === "localhost") alt.hostname = "127.0.0.1";
  return [...new Set([u.origin, alt.origin])];
}
