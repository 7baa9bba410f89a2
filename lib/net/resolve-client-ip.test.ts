import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientIpResolver } from "./resolve-client-ip";

const req = (peer: string, xff?: string) =>
  ({ socket: { remoteAddress: peer }, headers: xff ? { "x-forwarded-for": xff } : {} }) as unknown as IncomingMessage;

describe("clientIpResolver", () => {
  it.each([
    {
      trusted: undefined,
      peer: "198.51.100.7",
      xff: "203.0.113.9",
      ip: "198.51.100.7",
      why: "no proxy trusted: XFF ignored",
    },
    { trusted: "", peer: "127.0.0.1", xff: "203.0.113.9", ip: "127.0.0.1", why: "empty list trusts no one" },
    { trusted: "loopback", peer: "127.0.0.1", xff: "203.0.113.9", ip: "203.0.113.9", why: "trusted peer: its XFF" },
    {
      trusted: "loopback",
      peer: "127.0.0.1",
      xff: "1.2.3.4, 203.0.113.9",
      ip: "203.0.113.9",
      why: "a client's own XFF entry before the proxy's is not believed",
    },
    {
      trusted: "10.0.0.0/8, loopback",
      peer: "127.0.0.1",
      xff: "203.0.113.9, 10.1.2.3",
      ip: "203.0.113.9",
      why: "a chain of trusted proxies",
    },
    {
      trusted: "10.0.0.0/8",
      peer: "198.51.100.7",
      xff: "203.0.113.9",
      ip: "198.51.100.7",
      why: "peer not in the list",
    },
    { trusted: undefined, peer: "::ffff:127.0.0.1", xff: undefined, ip: "127.0.0.1", why: "IPv4-mapped → IPv4" },
    { trusted: "loopback", peer: "::1", xff: undefined, ip: "::1", why: "no XFF: the peer" },
  ])("$why", ({ trusted, peer, xff, ip }) => {
    expect(clientIpResolver(trusted)(req(peer, xff))).toBe(ip);
  });

  it.each(["10.0.0.0/33", "not-an-ip", "loopback, 300.1.1.1"])("refuses a bad TRUSTED_PROXIES entry: %s", (v) => {
    expect(() => clientIpResolver(v)).toThrow(TypeError);
  });
});
