import dns from "node:dns/promises";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { isPrivateAddress } from "./private-address";

export type TGuardProxy = {
  /** `http://127.0.0.1:<port>`: hand to ffmpeg as `-http_proxy`. */
  url: string;
  /** Hosts refused so far (for logs and tests). */
  refused: string[];
  close(): Promise<void>;
};

export type TGuardProxyOptions = {
  /** Predicate on a resolved IP address. Default: isPrivateAddress. */
  isPrivate?: (ip: string) => boolean;
  log?: (m: string) => void;
};

/**
 * SSRF guard for ffmpeg: a forward proxy on loopback that every HTTP(S) request of a recording goes
 * through (`-http_proxy`, which ffmpeg's HLS demuxer also uses for variant playlists, live reloads and
 * segments; HTTPS arrives as CONNECT). Each request's host is resolved here, every address checked, and
 * the connection made to the checked address (no second lookup to rebind). Redirects are not followed
 * here: the 3xx goes back to ffmpeg, whose next request comes through the proxy again and is checked.
 */
export async function startGuardProxy(opts: TGuardProxyOptions = {}): Promise<TGuardProxy> {
  const isPrivate = opts.isPrivate ?? isPrivateAddress;
  const refused: string[] = [];
  /** CONNECT tunnels are detached from the HTTP server: closed by hand. */
  const tunnels = new Set<net.Socket>();

  /** The address to connect to, or null when the host is (or resolves to) a private address. */
  async function resolveChecked(hostname: string): Promise<string | null> {
    const host = hostname.replace(/^\[|\]$/g, "");
    const addrs = net.isIP(host)
      ? [host]
      : (await dns.lookup(host, { all: true, verbatim: true }).catch(() => [])).map((r) => r.address);
    if (!addrs.length || addrs.some((a) => isPrivate(a))) {
      refused.push(host);
      opts.log?.(`refused a request to ${host} (private network address)`);
      return null;
    }
    return addrs[0];
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      let target: URL;
      try {
        target = new URL(req.url ?? "");
      } catch {
        return res.writeHead(400).end();
      }
      if (target.protocol !== "http:") return res.writeHead(400).end();
      const ip = await resolveChecked(target.hostname);
      if (!ip) return res.writeHead(403, { "content-type": "text/plain" }).end("refused: private network address");
      const headers: http.OutgoingHttpHeaders = { ...req.headers, host: target.host };
      delete headers["proxy-connection"];
      const upstream = http.request(
        {
          host: ip,
          port: Number(target.port || 80),
          method: req.method,
          path: `${target.pathname}${target.search}`,
          headers,
          setHost: false,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
      res.on("close", () => upstream.destroy());
      req.pipe(upstream);
    })();
  });

  server.on("connect", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    void (async () => {
      socket.on("error", () => {});
      tunnels.add(socket);
      socket.on("close", () => tunnels.delete(socket));
      const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(req.url ?? "");
      if (!m) return socket.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      const ip = await resolveChecked(m[1]);
      if (!ip) return socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      const upstream = net.connect(Number(m[2]), ip, () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (head.length) upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on("error", () => socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n"));
      socket.on("close", () => upstream.destroy());
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    refused,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        for (const s of tunnels) s.destroy();
        server.close(() => r());
      }),
  };
}
