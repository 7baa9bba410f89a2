import fs from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { assertValidKey, assertValidPrefix, BlobNotFoundError, type BlobStore, type TListedBlob } from "./types";

export type TS3Options = {
  bucket: string;
  /** MinIO, R2, Ceph…: their URL; unset for AWS S3 itself. */
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `host/bucket/key` addressing (MinIO and most self-hosted servers) instead of `bucket.host/key`. */
  forcePathStyle: boolean;
  /** Keys live under this prefix in the bucket (several deployments, or other data, in one bucket). */
  prefix?: string;
};

const missing = (err: unknown) =>
  err instanceof NoSuchKey ||
  err instanceof NotFound ||
  (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404);

/**
 * Blob storage in any S3-compatible service (AWS S3, MinIO, Cloudflare R2, Ceph) through the AWS SDK v3. Files are
 * uploaded streamed with their length; reads take byte ranges (206 on /api/media); lists page through
 * ListObjectsV2. Checksums are sent and checked only where the operation requires them: the SDK's default
 * (CRC32 on every upload, as aws-chunked encoding) is refused by several S3-compatible servers.
 */
export function createS3Store(o: TS3Options): BlobStore {
  const client = new S3Client({
    region: o.region,
    endpoint: o.endpoint,
    forcePathStyle: o.forcePathStyle,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...(o.accessKeyId && o.secretAccessKey
      ? { credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } }
      : {}),
  });
  const base = o.prefix ? o.prefix.replace(/\/+$/, "") + "/" : "";
  const objectKey = (key: string) => {
    assertValidKey(key);
    return base + key;
  };

  return {
    kind: "s3",

    async put(key, source, opts = {}) {
      const size = typeof source === "string" ? (await fs.promises.stat(source)).size : source.length;
      await client.send(
        new PutObjectCommand({
          Bucket: o.bucket,
          Key: objectKey(key),
          Body: typeof source === "string" ? fs.createReadStream(source) : source,
          ContentLength: size,
          ContentType: opts.contentType ?? "application/octet-stream",
        }),
      );
      return { key, size };
    },

    async download(key, destPath) {
      const blob = await this.read(key);
      if (!blob) throw new BlobNotFoundError(key);
      const tmp = `${destPath}.${process.pid}.${Date.now()}.part`;
      await pipeline(blob.stream, fs.createWriteStream(tmp));
      await fs.promises.rename(tmp, destPath);
    },

    async read(key, range) {
      try {
        const res = await client.send(
          new GetObjectCommand({
            Bucket: o.bucket,
            Key: objectKey(key),
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        );
        // The whole object's size: "bytes 2-5/10" on a range, else the body's length.
        const total = res.ContentRange ? Number(res.ContentRange.split("/")[1]) : Number(res.ContentLength ?? 0);
        return { stream: res.Body as Readable, size: total };
      } catch (err) {
        if (missing(err)) return null;
        throw err;
      }
    },

    async stat(key) {
      try {
        const res = await client.send(new HeadObjectCommand({ Bucket: o.bucket, Key: objectKey(key) }));
        return { size: Number(res.ContentLength ?? 0) };
      } catch (err) {
        if (missing(err)) return null;
        throw err;
      }
    },

    async delete(key) {
      // S3 answers 204 for a missing key too.
      await client.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: objectKey(key) }));
    },

    async list(prefix) {
      assertValidPrefix(prefix);
      const out: TListedBlob[] = [];
      let token: string | undefined;
      do {
        const res = await client.send(
          new ListObjectsV2Command({ Bucket: o.bucket, Prefix: base + prefix, ContinuationToken: token }),
        );
        for (const obj of res.Contents ?? []) {
          const key = obj.Key!.slice(base.length);
          try {
            assertValidKey(key);
          } catch {
            continue; // an object no key can name (put there by something else)
          }
          out.push({ key, size: Number(obj.Size ?? 0), uploadedAt: obj.LastModified ?? new Date(0) });
        }
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    directUrl() {
      return null;
    },
  };
}
