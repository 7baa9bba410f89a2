import { hostIsPrivate } from "./private-address";

export type TRedirectCheck = { ok: true; url: string } | { ok: false; reason: string };

const MAX_HOPS = 5;

/**
 * SSRF guard for http(s) sources: follows the redirect chain by hand (no body read) and refuses it when
 * any hop lands on a private, loopback or link-local address. Returns the final URL, which callers hand to
 * ffprobe with redirects disabled, so the checked chain is the one used. Non-http URLs pass unchanged.
 */
export async function checkRedirects(
  source: string,
  opts: { isPrivate?: (host: string) => Promise<boolean>; timeoutMs?: number } = {},
): Promise<TRedirectCheck> {
  const isPrivate = opts.isPrivate ?? hostIsPrivate;
  let url = new URL(source);
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: true, url: source };
  for (let hop = 0; ; hop++) {
    if (await isPrivate(url.hostname)) {
      return {
        ok: false,
        reason:
          hop === 0 ? "the host is on a private network" : `it redirects to a private network address (${url.host})`,
      };
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method: "GET",
        redirect: "manual",
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      return { ok: false, reason: `unreachable (${(err as Error).message})` };
    }
    await res.body?.cancel().catch(() => {});
    const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
    if (!location) return { ok: true, url: url.toString() };
    if (hop >= MAX_HOPS) return { ok: false, reason: "too many redirects" };
    const next = new URL(location, url);
    if (next.protocol !== "http:" && next.protocol !== "https:")
      return { ok: false, reason: `it redirects to an unsupported protocol (${next.protocol})` };
    url = next;
  }
}
