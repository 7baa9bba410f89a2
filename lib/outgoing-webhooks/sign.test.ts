import crypto from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signatureHeaders } from "./sign";

/** The Standard Webhooks specification's own signing vector (its reference libraries' "sign function works" case). */
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  msgId: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

describe("Standard Webhooks signatures", () => {
  it("match the specification's test vector", () => {
    const h = signatureHeaders(VECTOR.secret, VECTOR.msgId, new Date(VECTOR.timestamp * 1000), VECTOR.payload);
    expect(h).toEqual({
      "webhook-id": VECTOR.msgId,
      "webhook-timestamp": String(VECTOR.timestamp),
      "webhook-signature": VECTOR.signature,
    });
  });

  it("are HMAC-SHA256 of id.timestamp.body with the secret's base64 key, and verify with the library", () => {
    const secret = `whsec_${crypto.randomBytes(32).toString("base64")}`;
    const at = new Date();
    const body = JSON.stringify({ type: "clip.ready", data: { clip: { id: "c1", title: "é ✓" } } });
    const h = signatureHeaders(secret, "msg_1", at, body);
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const mac = crypto
      .createHmac("sha256", key)
      .update(`msg_1.${Math.floor(at.getTime() / 1000)}.${body}`)
      .digest("base64");
    expect(h["webhook-signature"]).toBe(`v1,${mac}`);
    expect(new Webhook(secret).verify(body, h)).toEqual(JSON.parse(body));
  });
});
