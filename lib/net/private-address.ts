import dns from "node:dns/promises";
import net from "node:net";
import ipaddr from "ipaddr.js";

/** IPv6 ranges that carry an IPv4 address in their last 32 bits: judged by that address. */
const EMBEDS_IPV4 = new Set(["ipv4Mapped", "rfc6145", "rfc6052"]);

/**
 * Whether an address is anything but public unicast (ipaddr.js's ranges): loopback, private, link-local,
 * CGNAT, benchmarking (198.18.0.0/15), reserved, multicast, broadcast, unspecified, IPv6 ULA, link- and
 * site-local (fec0::/10), 6to4, Teredo. IPv4-mapped (`::ffff:a.b.c.d`, `::a.b.c.d`), IPv4-translated
 * (`::ffff:0:a.b.c.d`) and NAT64 (`64:ff9b::/96`) addresses are judged by the IPv4 address inside. A string that
 * is not an address is not private (host names go through hostIsPrivate).
 */
export function isPrivateAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  const addr = ipaddr.process(ip);
  if (addr.kind() === "ipv6" && EMBEDS_IPV4.has(addr.range())) {
    const bytes = (addr as ipaddr.IPv6).toByteArray().slice(12);
    return new ipaddr.IPv4(bytes).range() !== "unicast";
  }
  return addr.range() !== "unicast";
}

/** True when the host is, or resolves to, any private address (every A/AAAA record is checked). */
export async function hostIsPrivate(hostname: string): Promise<boolean> {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) return isPrivateAddress(host);
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal")) return true;
  const records = await dns.lookup(host, { all: true, verbatim: true }).catch(() => []);
  return records.some((r) => isPrivateAddress(r.address));
}
