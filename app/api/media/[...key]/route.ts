import { Readable } from "node:stream";
import { isShareLive } from "@/lib/clips/is-share-live";
import { errorBody } from "@/lib/http/errors";
import { verifyMediaSignature } from "@/lib/media-url";
import { getStore } from "@/lib/storage";

export const runtime = "nodejs";

const TYPES: Record<string, string> = {
  mp4: "video/mp4",
  jpg: "image/jpeg",
  ts: "video/mp2t",
  wav: "audio/wav",
  json: "application/json",
};

/**
 * Streams stored media for a signed URL (lib/media-url.ts), with HTTP range support for <video> seeking. A
 * share-bound URL is cached by browsers for at most a minute, so a revoke reaches them too.
 */
export async function GET(req: Request, ctx: { params: Promise<{ key: string[] }> }) {
  const { key: parts } = await ctx.params;
  const key = parts.map(decodeURIComponent).join("/");
  const url = new URL(req.url);
  const share = url.searchParams.get("share");
  const signed = verifyMediaSignature(key, url.searchParams.get("exp"), url.searchParams.get("sig"), share);
  // A share page's URL works only while the clip is still shared under that slug (revoked → 404 within 30 s).
  if (!signed || (share !== null && !(await isShareLive(share, key)))) {
    return Response.json(errorBody("not_found", "Not found."), { status: 404 });
  }
  const store = getStore();
  const meta = await store.stat(key).catch(() => null);
  if (!meta) return Response.json(errorBody("not_found", "Not found."), { status: 404 });

  const type = TYPES[key.split(".").at(-1) ?? ""] ?? "application/octet-stream";
  const headers: Record<string, string> = {
    "content-type": type,
    "accept-ranges": "bytes",
    "cache-control": share === null ? "private, max-age=3600" : "private, max-age=60",
  };
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.get("range") ?? "");
  if (range && (range[1] || range[2])) {
    let start = range[1] ? Number(range[1]) : meta.size - Number(range[2]);
    let end = range[1] && range[2] ? Number(range[2]) : meta.size - 1;
    start = Math.max(0, start);
    end = Math.min(end, meta.size - 1);
    if (start > end) return new Response(null, { status: 416, headers: { "content-range": `bytes */${meta.size}` } });
    const r = await store.read(key, { start, end });
    if (!r) return Response.json(errorBody("not_found", "Not found."), { status: 404 });
    return new Response(Readable.toWeb(r.stream) as ReadableStream, {
      status: 206,
      headers: {
        ...headers,
        "content-range": `bytes ${start}-${end}/${meta.size}`,
        "content-length": String(end - start + 1),
      },
    });
  }
  const r = await store.read(key);
  if (!r) return Response.json(errorBody("not_found", "Not found."), { status: 404 });
  return new Response(Readable.toWeb(r.stream) as ReadableStream, {
    headers: { ...headers, "content-length": String(meta.size) },
  });
}
