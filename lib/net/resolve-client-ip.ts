import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";
import proxyaddr from "proxy-addr";

/**
 * Header the production server (scripts/serve.mjs) sets on every request to the client's address, replacing
 * anything the client sent; better-auth keys its per-address sign-in limit on it (lib/auth/server.ts).
 */
export const CLIENT_IP_HEADER = "x-clipstream-client-ip";

/**
 * A request's client address: the socket's peer, or, when that peer is a trusted proxy, the nearest address in
 * X-Forwarded-For that is not one (proxy-addr, as Express does). `trustedProxies` is TRUSTED_PROXIES:
 * comma-separated addresses, CIDR ranges, or `loopback`, `linklocal`, `uniquelocal`; unset trusts no one, so a
 * client's own X-Forwarded-For is ignored. IPv4-mapped IPv6 comes back as IPv4. Throws TypeError on a bad entry.
 */
export function clientIpResolver(trustedProxies: string | undefined): (req: IncomingMessage) => string {
  const list = (trustedProxies ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const trust = proxyaddr.compile(list);
  return (req) => {
    const address = proxyaddr(req, trust);
    return ipaddr.isValid(address) ? ipaddr.process(address).toString() : address;
  };
}
