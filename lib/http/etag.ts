import crypto from "node:crypto";

/** Weak comparison (RFC 9110 §13.1.2): does an If-None-Match header name this entity tag? */
export function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, "");
  const want = opaque(etag);
  return header.split(",").some((t) => opaque(t) === want);
}

/**
 * JSON for endpoints the UI polls (the feed every 5 s, the dashboard every 2 s): an ETag over the body and
 * `private, no-cache`, so the browser revalidates every poll and an unchanged answer costs a bodiless 304
 * instead of the whole list again (tens of kB per poll on a phone). The server still builds the body to
 * hash it; the saving is the network, the client's JSON parse and its re-render.
 */
export function pollableJson(req: Request, data: unknown): Response {
  const body = JSON.stringify(data);
  const etag = `W/"${crypto.createHash("sha1").update(body).digest("base64url")}"`;
  const headers = { etag, "cache-control": "private, no-cache" };
  if (matchesIfNoneMatch(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  return new Response(body, { headers: { ...headers, "content-type": "application/json" } });
}
