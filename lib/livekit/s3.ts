import fs from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { env } from "@/lib/env";
import { encodeSegment, signS3Request } from "./s3-sign";

/** S3-compatible bucket LiveKit egress uploads segment files to (LIVEKIT_EGRESS_S3_*), or null for the local directory. */
export type TS3Config = {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKey: string;
  secret: string;
  forcePathStyle: boolean;
};

export function egressS3(): TS3Config | null {
  if (!env.LIVEKIT_EGRESS_S3_BUCKET || !env.LIVEKIT_EGRESS_S3_ACCESS_KEY || !env.LIVEKIT_EGRESS_S3_SECRET) return null;
  return {
    bucket: env.LIVEKIT_EGRESS_S3_BUCKET,
    region: env.LIVEKIT_EGRESS_S3_REGION,
    endpoint: env.LIVEKIT_EGRESS_S3_ENDPOINT,
    accessKey: env.LIVEKIT_EGRESS_S3_ACCESS_KEY,
    secret: env.LIVEKIT_EGRESS_S3_SECRET,
    forcePathStyle: env.LIVEKIT_EGRESS_S3_FORCE_PATH_STYLE,
  };
}

/** Path-style (`endpoint/bucket/key`) or virtual-hosted (`bucket.host/key`) object URL. */
export function objectUrl(c: TS3Config, key: string): URL {
  const path = key.split("/").map(encodeSegment).join("/");
  const base = new URL(c.endpoint ?? `https://s3.${c.region}.amazonaws.com`);
  if (c.forcePathStyle) return new URL(`${base.origin}/${encodeSegment(c.bucket)}/${path}`);
  return new URL(`${base.protocol}//${c.bucket}.${base.host}/${path}`);
}

async function s3Fetch(c: TS3Config, method: "GET" | "DELETE", key: string): Promise<Response> {
  const url = objectUrl(c, key);
  const headers = signS3Request({ method, url, region: c.region, accessKey: c.accessKey, secret: c.secret });
  return fetch(url, { method, headers, signal: AbortSignal.timeout(300_000) });
}

export async function downloadObject(c: TS3Config, key: string, dest: string): Promise<void> {
  const res = await s3Fetch(c, "GET", key);
  if (!res.ok || !res.body) throw Object.assign(new Error(`S3 GET ${key}: ${res.status}`), { status: res.status });
  await pipeline(Readable.fromWeb(res.body as never), fs.createWriteStream(dest));
}

export async function deleteObject(c: TS3Config, key: string): Promise<void> {
  const res = await s3Fetch(c, "DELETE", key);
  if (!res.ok && res.status !== 404) throw new Error(`S3 DELETE ${key}: ${res.status}`);
}
