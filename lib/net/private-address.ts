import dns from "node:dns/promises";
import net from "node:net";

/** Loopback, private, link-local, CGNAT, multicast, unspecified and IPv6 ULA/link-local addresses. */
export function isPrivateAddress(ip: string): boolean {
  let mapped = ip.toLowerCase().startsWith("::ffff:") ? ip.slice(7) : ip;
  // The URL parser writes IPv4-mapped addresses in hex (`[::ffff:127.0.0.1]` → `::ffff:7f00:1`).
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(mapped);
  if (hex) {
    const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
    mapped = [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
  }
  if (net.isIPv4(mapped)) {
    const [a, b] = mapped.split(".").map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  if (net.isIPv6(mapped)) {
    const v = mapped.toLowerCase();
    return (
      v === "::" || v === "::1" || v.startsWith("fc") || v.startsWith("fd") || /^fe[89ab]/.test(v) || v.startsWith("ff")
    );
  }
  return false;
}

/** True when the host is, or resolves to, any private address (every A/AAAA record is checked). */
export async function hostIsPrivate(hostname: string): Promise<boolean> {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) return isPrivateAddress(host);
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal")) return true;
  const records = await dns.lookup(host, { all: true, verbatim: true }).catch(() => []);
  return records.some((r) => isPrivateAddress(r.address));
}
