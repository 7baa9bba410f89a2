import type { Readable } from "node:stream";

export type TStoredBlob = { key: string; size: number };
/** A blob found by `BlobStore.list`: when it was last written tells a cache's age. */
export type TListedBlob = TStoredBlob & { uploadedAt: Date };

/** One interface for the local directory, Vercel Blob and S3-compatible storage. Keys are slash-separated relative paths. */
export interface BlobStore {
  readonly kind: "local" | "vercel" | "s3";
  /** Stores a file from disk (streamed) or a buffer under `key`, replacing any previous object. */
  put(key: string, source: string | Buffer, opts?: { contentType?: string }): Promise<TStoredBlob>;
  /** Copies the object to a local file path. Throws `BlobNotFoundError` when absent. */
  download(key: string, destPath: string): Promise<void>;
  /** A readable stream of the object (optionally a byte range), or null when absent. */
  read(key: string, range?: { start: number; end: number }): Promise<{ stream: Readable; size: number } | null>;
  stat(key: string): Promise<{ size: number } | null>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Every object whose key starts with `prefix` (a plain string prefix: `clips/`, `sessions/<id>/`,
   * `clips/<id>/proxy-`; `""` is the whole store), sorted by key. Reads every page: the caller bounds the prefix.
   */
  list(prefix: string): Promise<TListedBlob[]>;
  /** Public URL when the backend serves it directly (Vercel Blob), else null (served by /api/media). */
  directUrl(key: string): string | null;
}

export class BlobNotFoundError extends Error {
  constructor(key: string) {
    super(`blob not found: ${key}`);
    this.name = "BlobNotFoundError";
  }
}

/** A `list` prefix: empty, or a key, or a key followed by `/`. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === "") return;
  try {
    assertValidKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
  } catch {
    throw new Error(`invalid storage prefix: ${JSON.stringify(prefix)}`);
  }
}

const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/** Rejects absolute paths, `..` and odd characters, so a key can never escape the store. */
export function assertValidKey(key: string): void {
  if (!KEY_RE.test(key) || key.split("/").some((p) => p === "." || p === "..")) {
    throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
  }
}
