import { checkRedirects } from "./check-redirects";
import { hostIsPrivate } from "./private-address";

/**
 * `transient`: the source could not be reached (worth retrying), as opposed to refused. `finite`: the source is
 * a recording that ends (HTTP media with a file extension, or an HLS playlist carrying `#EXT-X-ENDLIST`), not
 * a live stream: read to its end, it is over. `unreadable`: why ffmpeg cannot read it as it downloads (an MP4
 * whose index follows its media, on a host without byte ranges): whoever would start recording it refuses.
 */
export type TSourceCheck =
  { ok: true; url: string; finite: boolean; unreadable?: string } | { ok: false; reason: string; transient?: true };

/** Progressive media files: a URL ending in one of these is a recording, however it is served. */
const FILE_EXTENSION = /\.(mp4|m4v|mov|mkv|webm)$/i;

const MAX_PLAYLIST_BYTES = 1024 * 1024;
const MAX_VARIANTS = 10;

/** Every URI an HLS playlist references: non-tag lines and `URI="…"` attributes (keys, media, maps). */
export function playlistUris(text: string, base: string): URL[] {
  const out: URL[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const refs = line.startsWith("#") ? [...line.matchAll(/URI="([^"]*)"/g)].map((m) => m[1]) : [line];
    for (const ref of refs) {
      try {
        out.push(new URL(ref, base));
      } catch {
        // not a URL ffmpeg could open either
      }
    }
  }
  return out;
}

/**
 * The recorder's SSRF pre-flight for a URL source (ALLOW_PRIVATE_SOURCES off): an RTMP host is checked;
 * an HTTP(S) source's redirect chain is followed by hand (each hop checked), and when it is an HLS
 * playlist, every URI in it is checked, and for a master playlist every variant playlist is fetched the
 * same way and its URIs checked too. Returns the final URL for ffmpeg. The guard proxy (guard-proxy.ts)
 * enforces the same rule on every request ffmpeg makes later (live reloads, new segments).
 */
export async function checkStreamSource(
  source: string,
  opts: { isPrivate?: (host: string) => Promise<boolean>; timeoutMs?: number } = {},
): Promise<TSourceCheck> {
  const isPrivate = opts.isPrivate ?? hostIsPrivate;
  const url = new URL(source);
  if (url.protocol === "rtmp:" || url.protocol === "rtmps:") {
    return (await isPrivate(url.hostname))
      ? { ok: false, reason: "the host is on a private network" }
      : { ok: true, url: source, finite: false };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: true, url: source, finite: false };

  const top = await checkPlaylistAt(source, isPrivate, opts.timeoutMs);
  if (!top.ok) return withTransient(top.reason);
  let finite = top.playlist ? top.endlist : FILE_EXTENSION.test(new URL(top.url).pathname);
  for (const variant of top.variants.slice(0, MAX_VARIANTS)) {
    const v = await checkPlaylistAt(variant, isPrivate, opts.timeoutMs);
    if (!v.ok) return withTransient(`variant playlist ${variant}: ${v.reason}`);
    finite ||= v.endlist;
  }
  return top.unreadable
    ? { ok: true, url: top.url, finite, unreadable: top.unreadable }
    : { ok: true, url: top.url, finite };
}

const withTransient = (reason: string): TSourceCheck =>
  /unreachable \(/.test(reason) ? { ok: false, reason, transient: true } : { ok: false, reason };

async function checkPlaylistAt(
  source: string,
  isPrivate: (host: string) => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<
  | { ok: true; url: string; variants: string[]; playlist: boolean; endlist: boolean; unreadable?: string }
  | { ok: false; reason: string }
> {
  const chain = await checkRedirects(source, { isPrivate, timeoutMs });
  if (!chain.ok) return chain;
  let res: Response;
  try {
    res = await fetch(chain.url, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    return { ok: false, reason: `unreachable (${(err as Error).message})` };
  }
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel().catch(() => {});
    return { ok: false, reason: "it redirected somewhere else on a second request" };
  }
  const prefix = await readPrefix(res, MAX_PLAYLIST_BYTES);
  const head = prefix.toString("utf8");
  if (!head.startsWith("#EXTM3U")) {
    // ffmpeg reads an MP4 whose index (moov) follows the media by seeking to it; a host that serves no byte
    // ranges then hands it the media again, read as garbage (undecodable audio, failed segments).
    const unreadable =
      mp4IndexAtEnd(prefix) && res.headers.get("accept-ranges")?.toLowerCase() !== "bytes"
        ? "the file's index (moov) is at its end and its host does not serve byte ranges, so it cannot be read " +
          "as it downloads; download it and upload the file instead, or serve it with byte ranges"
        : undefined;
    return { ok: true, url: chain.url, variants: [], playlist: false, endlist: false, unreadable };
  }
  const uris = playlistUris(head, chain.url);
  const hosts = new Map<string, URL>();
  for (const u of uris) if (!hosts.has(u.hostname)) hosts.set(u.hostname, u);
  for (const [host, u] of hosts) {
    if (u.protocol !== "http:" && u.protocol !== "https:")
      return { ok: false, reason: `the playlist references an unsupported protocol (${u.protocol})` };
    if (await isPrivate(host))
      return { ok: false, reason: `the playlist references a private network address (${u.host})` };
  }
  const isMaster = /^#EXT-X-STREAM-INF/m.test(head);
  const variants = isMaster ? playlistUris(head, chain.url).map((u) => u.toString()) : [];
  return { ok: true, url: chain.url, variants, playlist: true, endlist: /^#EXT-X-ENDLIST\b/m.test(head) };
}

/**
 * Whether an ISO BMFF file (MP4/MOV, from its first bytes) has its media (`mdat`) before its index (`moov`),
 * from the top-level boxes: size (32 bits, 1 = a 64-bit size follows, 0 = to the end) and type. False when
 * it is no such file, or the prefix ends before either box.
 */
export function mp4IndexAtEnd(prefix: Buffer): boolean {
  if (prefix.length < 8 || prefix.toString("latin1", 4, 8) !== "ftyp") return false;
  let off = 0;
  while (off + 8 <= prefix.length) {
    const type = prefix.toString("latin1", off + 4, off + 8);
    if (type === "moov") return false;
    if (type === "mdat") return true;
    let size = prefix.readUInt32BE(off);
    if (size === 1) {
      if (off + 16 > prefix.length) return false;
      size = Number(prefix.readBigUInt64BE(off + 8));
    }
    if (size < 8) return false;
    off += size;
  }
  return false;
}

async function readPrefix(res: Response, max: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= max) {
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return Buffer.concat(chunks);
}
