import { describe, expect, it } from "vitest";
import { hostIsPrivate, isPrivateAddress } from "./private-address";

describe("isPrivateAddress", () => {
  it.each([
    ["127.0.0.1", true],
    ["10.1.2.3", true],
    ["172.16.0.1", true],
    ["172.31.255.255", true],
    ["172.32.0.1", false],
    ["192.168.1.1", true],
    ["169.254.169.254", true],
    ["100.64.0.1", true],
    ["0.0.0.0", true],
    ["8.8.8.8", false],
    ["::1", true],
    ["fd00::1", true],
    ["fe80::1", true],
    ["::ffff:127.0.0.1", true],
    ["::ffff:7f00:1", true],
    ["::ffff:a00:5", true],
    ["::ffff:a9fe:a9fe", true],
    ["::ffff:808:808", false],
    ["2606:4700::1111", false],
    // Missed by the hand-written ranges before ipaddr.js (issue 21.5).
    ["64:ff9b::7f00:1", true],
    ["64:ff9b::a9fe:a9fe", true],
    ["64:ff9b::808:808", false],
    ["::127.0.0.1", true],
    ["::ffff:0:127.0.0.1", true],
    ["::ffff:0:a00:1", true],
    ["198.18.0.1", true],
    ["198.19.255.255", true],
    ["fec0::1", true],
    ["2002:7f00:1::", true],
    ["192.0.2.1", true],
    ["255.255.255.255", true],
    ["0x7f.0.0.1", true],
  ])("%s → %s", (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });

  it("treats localhost names as private without DNS", async () => {
    expect(await hostIsPrivate("localhost")).toBe(true);
    expect(await hostIsPrivate("[::1]")).toBe(true);
    expect(await hostIsPrivate("printer.localhost")).toBe(true);
  });
});
