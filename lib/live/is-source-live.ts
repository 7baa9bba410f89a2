import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import { env } from "@/lib/env";
import { checkRedirects } from "@/lib/net/check-redirects";
import { startGuardProxy } from "@/lib/net/guard-proxy";
import { hostIsPrivate, isPrivateAddress } from "@/lib/net/private-address";

export type TSourceLiveOptions = {
  timeoutMs?: number;
  /** SSRF predicates (tests swap them to play public hosts on loopback). */
  isPrivateAddress?: (ip: string) => boolean;
  isPrivateHost?: (host: string) => Promise<boolean>;
};

type TLive = { live: boolean; detail?: string };

/**
 * A URL source is live when ffprobe can open it and finds a stream within the timeout (HLS playlists,
 * RTMP and HTTP media alike). A file source is live while the file exists.
 *
 * SSRF, unless ALLOW_PRIVATE_SOURCES: an http(s) source's redirect chain is checked first (a clear reason
 * when refused), then ffprobe fetches everything (variant playlists, segments, keys) through the guard proxy
 * the recorder uses, which resolves each host once, refuses private addresses and connects to the checked one
 * (no DNS rebinding); an RTMP host is checked when the probe connects, not only when the streamer was added.
 */
export async function isSourceLive(source: string, opts: TSourceLiveOptions = {}): Promise<TLive> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (source.startsWith("file://")) {
    const ok = await fs.stat(new URL(source).pathname).then(
      (s) => s.isFile(),
      () => false,
    );
    return ok ? { live: true } : { live: false, detail: "file not found" };
  }
  if (env.ALLOW_PRIVATE_SOURCES) return probe(source, [], timeoutMs);
  const isPrivateHost = opts.isPrivateHost ?? hostIsPrivate;
  if (/^rtmps?:/i.test(source)) {
    if (await isPrivateHost(new URL(source).hostname))
      return { live: false, detail: "refused: the host is on a private network" };
    return probe(source, [], timeoutMs);
  }
  const checked = await checkRedirects(source, { timeoutMs: timeoutMs / 2, isPrivate: isPrivateHost });
  if (!checked.ok) return { live: false, detail: `refused: ${checked.reason}` };
  const proxy = await startGuardProxy({ isPrivate: opts.isPrivateAddress ?? isPrivateAddress });
  try {
    return await probe(checked.url, ["-http_proxy", proxy.url], timeoutMs);
  } finally {
    await proxy.close();
  }
}

function probe(target: string, extra: string[], timeoutMs: number): Promise<TLive> {
  return new Promise((resolve) => {
    execFile(
      env.FFPROBE_PATH,
      [
        "-v",
        "error",
        ...extra,
        "-rw_timeout",
        String(Math.floor((timeoutMs / 2) * 1000)),
        "-show_entries",
        "stream=codec_type",
        "-of",
        "csv=p=0",
        target,
      ],
      { timeout: timeoutMs },
      (err, stdout, stderr) => {
        if (err)
          return resolve({ live: false, detail: (stderr || err.message).trim().split("\n").at(-1)?.slice(0, 200) });
        const types = stdout
          .split("\n")
          .map((s) => s.trim())
          .filter(Boolean);
        resolve(types.length ? { live: true } : { live: false, detail: "no media streams" });
      },
    );
  });
}
