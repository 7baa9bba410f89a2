import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { isPrivateAddress } from "@/lib/net/private-address";

export type TPostResult = { status: number; body: string } | { status: null; error: string };

const MAX_BODY = 2048;

/**
 * A `lookup` for node:http that refuses private addresses at connect time: the address checked is the one
 * connected to, so a name that resolves to a public address when the endpoint is saved and to 127.0.0.1 later
 * (DNS rebinding) is still refused.
 */
function publicOnlyLookup(
  hostname: string,
  options: dns.LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void,
) {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, "");
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad) {
      return callback(Object.assign(new Error(`${hostname} resolves to a private address`), { code: "EPRIVATE" }), "");
    }
    if (options.all) return callback(null, list);
    callback(null, list[0].address, list[0].family);
  });
}

/**
 * POSTs `body` once: no redirects followed (a 3xx is the answer), at most `timeoutMs` for the whole exchange,
 * the first 2 KB of the answer kept. Unless `allowPrivate`, the host must be public, checked on the address
 * actually connected to. Never throws: a failure before an answer is `{ status: null, error }`.
 */
export function guardedPost(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
  opts: { timeoutMs?: number; allowPrivate?: boolean } = {},
): Promise<TPostResult> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!opts.allowPrivate && net.isIP(host) && isPrivateAddress(host)) {
    return Promise.resolve({ status: null, error: `${host} is a private address` });
  }
  const client = u.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const req = client.request(
      u,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        timeout: opts.timeoutMs ?? 10_000,
        ...(opts.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          if (size < MAX_BODY) chunks.push(c);
          size += c.length;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8").slice(0, MAX_BODY) }),
        );
        res.on("error", (err) => resolve({ status: null, error: err.message }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${(opts.timeoutMs ?? 10_000) / 1000} s`)));
    req.on("error", (err) => resolve({ status: null, error: err.message }));
    req.end(body);
  });
}
