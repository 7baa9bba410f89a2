import crypto from "node:crypto";

const sha256 = (data: string | Buffer) => crypto.createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => crypto.createHmac("sha256", key).update(data).digest();
/** RFC 3986 encoding of one path segment, as S3's canonical URI wants it. */
export const encodeSegment = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * AWS Signature Version 4 for an S3 request without a body (GET, DELETE): returns the headers to send
 * (`x-amz-date`, `x-amz-content-sha256`, `authorization`). Checked against AWS's published example.
 */
export function signS3Request(p: {
  method: string;
  url: URL;
  region: string;
  accessKey: string;
  secret: string;
  headers?: Record<string, string>;
  now?: Date;
}): Record<string, string> {
  const amzDate = (p.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256("");
  const headers: Record<string, string> = {
    ...p.headers,
    host: p.url.host,
    "x-amz-content-sha256": payloadHash,
    "x-amz-date": amzDate,
  };
  const names = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort();
  const value = (name: string) =>
    Object.entries(headers)
      .find(([k]) => k.toLowerCase() === name)![1]
      .trim()
      .replace(/\s+/g, " ");
  const canonicalUri = p.url.pathname
    .split("/")
    .map((s) => encodeSegment(decodeURIComponent(s)))
    .join("/");
  const canonicalQuery = [...p.url.searchParams.entries()]
    .map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`)
    .sort()
    .join("&");
  const canonical = [
    p.method,
    canonicalUri,
    canonicalQuery,
    names.map((n) => `${n}:${value(n)}\n`).join(""),
    names.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${day}/${p.region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${p.secret}`, day), p.region), "s3"), "aws4_request");
  const signature = crypto.createHmac("sha256", key).update(toSign).digest("hex");
  const { host: _host, ...send } = headers;
  return {
    ...send,
    authorization: `AWS4-HMAC-SHA256 Credential=${p.accessKey}/${scope},SignedHeaders=${names.join(";")},Signature=${signature}`,
  };
}
