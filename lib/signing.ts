import crypto from "node:crypto";

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` (recorder ⇄ app). */
export const SIGNATURE_HEADER = "x-clipstream-signature";
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signBody(secret: string, body: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const mac = crypto.createHmac("sha256", secret).update(`${nowSeconds}.${body}`).digest("hex");
  return `t=${nowSeconds},v1=${mac}`;
}

export type TVerifyResult =
  { ok: true; timestamp: number; mac: string } | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch" };

/** Constant-time check of a signature header over the raw body, with a replay window. */
export function verifySignature(
  secret: string,
  body: string,
  header: string | null | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): TVerifyResult {
  if (!header) return { ok: false, reason: "missing" };
  const parts = Object.fromEntries(
    header.split(",").map((p) => {
      const i = p.indexOf("=");
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  );
  const t = Number(parts.t);
  const v1 = parts.v1;
  if (!Number.isInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, reason: "malformed" };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, reason: "stale" };
  const expected = crypto.createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, "hex");
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
    return { ok: false, reason: "mismatch" };
  return { ok: true, timestamp: t, mac: v1 };
}

export type TVerifyRequestResult =
  | { ok: true; timestamp: number; nonce: string }
  | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch" };

const requestBase = (t: number, nonce: string, method: string, path: string, body: string) =>
  `${t}.${nonce}.${method.toUpperCase()} ${path}.${body}`;

/**
 * App → recorder control calls: `t=<unix s>,n=<random nonce>,v1=HMAC("t.n.METHOD path.body")`. Unlike
 * signBody, the signature is bound to the method and path (an empty-body GET cannot be replayed as a
 * DELETE) and carries a nonce the receiver remembers for the window, so each signature is accepted once.
 */
export function signRequest(
  secret: string,
  method: string,
  path: string,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  nonce = crypto.randomBytes(12).toString("hex"),
): string {
  const mac = crypto
    .createHmac("sha256", secret)
    .update(requestBase(nowSeconds, nonce, method, path, body))
    .digest("hex");
  return `t=${nowSeconds},n=${nonce},v1=${mac}`;
}

export function verifyRequest(
  secret: string,
  req: { method: string; path: string; body: string },
  header: string | null | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): TVerifyRequestResult {
  if (!header) return { ok: false, reason: "missing" };
  const parts = Object.fromEntries(
    header.split(",").map((p) => {
      const i = p.indexOf("=");
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  );
  const t = Number(parts.t);
  const { n, v1 } = parts;
  if (!Number.isInteger(t) || !n || !/^[0-9a-f]{16,64}$/.test(n) || !v1 || !/^[0-9a-f]{64}$/.test(v1))
    return { ok: false, reason: "malformed" };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, reason: "stale" };
  const expected = crypto
    .createHmac("sha256", secret)
    .update(requestBase(t, n, req.method, req.path, req.body))
    .digest();
  const given = Buffer.from(v1, "hex");
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
    return { ok: false, reason: "mismatch" };
  return { ok: true, timestamp: t, nonce: n };
}
