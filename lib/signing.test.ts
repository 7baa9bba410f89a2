import { describe, expect, it } from "vitest";
import { signBody, signRequest, verifyRequest, verifySignature } from "./signing";

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
    expect(verifySignature(secret, body, `t=${now + 10},v1=${mac}`, now + 10)).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });
});

describe("control request signatures", () => {
  const nonce = "0123456789abcdef01234567";
  const good = signRequest(secret, "DELETE", "/sessions/a", "", now, nonce);
  const req = { method: "DELETE", path: "/sessions/a", body: "" };
  it.each([
    ["valid", good, req, now, { ok: true, timestamp: now, nonce }],
    ["lower-case method", good, { ...req, method: "delete" }, now, { ok: true, timestamp: now, nonce }],
    ["other path", good, { ...req, path: "/sessions/b" }, now, { ok: false, reason: "mismatch" }],
    ["other method", good, { ...req, method: "GET" }, now, { ok: false, reason: "mismatch" }],
    ["body added", good, { ...req, body: "{}" }, now, { ok: false, reason: "mismatch" }],
    ["nonce swapped", good.replace(nonce, "f".repeat(24)), req, now, { ok: false, reason: "mismatch" }],
    ["nonce missing", good.replace(`n=${nonce},`, ""), req, now, { ok: false, reason: "malformed" }],
    ["webhook-style header", signBody(secret, "", now), req, now, { ok: false, reason: "malformed" }],
    ["stale", good, req, now + 301, { ok: false, reason: "stale" }],
    ["missing", null, req, now, { ok: false, reason: "missing" }],
  ])("%s", (_name, header, r, at, expected) => {
    expect(verifyRequest(secret, r, header, at)).toEqual(expected);
  });

  it("a fresh nonce per call: two signatures of the same request in the same second differ", () => {
    expect(signRequest(secret, "POST", "/sessions", body, now)).not.toBe(
      signRequest(secret, "POST", "/sessions", body, now),
    );
  });
});
