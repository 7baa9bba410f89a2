import { describe, expect, it } from "vitest";
import { signBody, verifySignature } from "./signing";

const secret = "test-secret-0123456789";
const body = JSON.stringify({ type: "segment.recorded", number: 3 });
const now = 1_800_000_000;

describe("webhook signatures", () => {
  const good = signBody(secret, body, now);

  it.each([
    ["valid", good, body, now, { ok: true, timestamp: now, mac: good.split("v1=")[1] }],
    ["missing header", null, body, now, { ok: false, reason: "missing" }],
    ["garbage header", "hello", body, now, { ok: false, reason: "malformed" }],
    ["short mac", `t=${now},v1=abcd`, body, now, { ok: false, reason: "malformed" }],
    ["wrong key", signBody("another-secret-0123456", body, now), body, now, { ok: false, reason: "mismatch" }],
    ["body changed", good, body.replace("3", "4"), now, { ok: false, reason: "mismatch" }],
    ["stale (replayed 10 min later)", good, body, now + 600, { ok: false, reason: "stale" }],
    ["from the future", good, body, now - 600, { ok: false, reason: "stale" }],
    ["within the window", good, body, now + 299, { ok: true, timestamp: now, mac: good.split("v1=")[1] }],
  ])("%s", (_name, header, b, at, expected) => {
    expect(verifySignature(secret, b, header, at)).toEqual(expected);
  });

  it("binds the timestamp: re-stamping an old signature fails", () => {
    const mac = good.split("v1=")[1];
    expect(verifySignature(secret, body, `t=${now + 10},v1=${mac}`, now + 10)).toEqual({ ok: false, reason: "mismatch" });
  });
});
