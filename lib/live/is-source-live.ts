import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import { env } from "@/lib/env";
import { checkRedirects } from "@/lib/net/check-redirects";

/**
 * A URL source is live when ffprobe can open it and finds a stream within the timeout (HLS playlists,
 * RTMP and HTTP media alike). A file source is live while the file exists.
 */
export async function isSourceLive(source: string, timeoutMs = 10_000): Promise<{ live: boolean; detail?: string }> {
  if (source.startsWith("file://")) {
    const ok = await fs.stat(new URL(source).pathname).then(
      (s) => s.isFile(),
      () => false,
    );
    return ok ? { live: true } : { live: false, detail: "file not found" };
  }
  // SSRF: unless private sources are allowed, every redirect hop is checked and ffprobe follows none itself.
  let target = source;
  const guard: string[] = [];
  if (!env.ALLOW_PRIVATE_SOURCES && /^https?:/i.test(source)) {
    const checked = await checkRedirects(source, { timeoutMs: timeoutMs / 2 });
    if (!checked.ok) return { live: false, detail: `refused: ${checked.reason}` };
    target = checked.url;
    guard.push("-max_redirects", "0");
  }
  return new Promise((resolve) => {
    execFile(
      env.FFPROBE_PATH,
      [
        "-v",
        "error",
        ...guard,
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
