/**
 * The Content-Security-Policy of a rendered page (proxy.ts sets it on the request, where Next reads the nonce and
 * puts it on its own scripts, and on the response). Scripts run only from a tag carrying this request's nonce, or
 * when loaded by such a script ('strict-dynamic': Next's chunks and the lazily imported hls.js). Everything else
 * is same-origin: media and images come through /api/media (the storage backends have no direct URLs), push
 * through /api/events. hls.js plays through MediaSource (a blob: URL on the <video>); the ESM build the bundler
 * picks has no worker bundle and transmuxes on the page, so no blob: worker is allowed (the UMD build would try
 * one, and fall back to the page when refused). Styles allow inline because elements carry `style` attributes (a
 * nonce cannot cover attributes, and a nonce in style-src would switch 'unsafe-inline' off). Framing follows
 * next.config.mjs: only the public share page (`/c/<slug>`, the player card social sites embed) may be framed.
 * Development adds 'unsafe-eval', which React's dev build needs for its error stacks; production never evals.
 */
export function contentSecurityPolicy(opts: { nonce: string; pathname: string; dev: boolean }): string {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(opts.nonce)) throw new Error("a CSP nonce is base64");
  const shared = /^\/c\/[^/]+\/?$/.test(opts.pathname);
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${opts.nonce}'`, "'strict-dynamic'", ...(opts.dev ? ["'unsafe-eval'"] : [])],
    ["style-src", "'self'", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:"],
    ["media-src", "'self'", "blob:"],
    ["worker-src", "'self'"],
    ["connect-src", "'self'"],
    ["font-src", "'self'"],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", shared ? "*" : "'none'"],
  ];
  return directives.map((d) => d.join(" ")).join("; ");
}
