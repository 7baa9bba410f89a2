import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { del, get, head, list as listPage, put } from "@vercel/blob";
import { assertValidKey, assertValidPrefix, BlobNotFoundError, type BlobStore, type TListedBlob } from "./types";

/** Bytes start..end (inclusive) of a stream, dropping the rest. */
export function sliceStream(source: Readable, start: number, end: number): Readable {
  let offset = 0;
  return Readable.from(
    (async function* () {
      for await (const chunk of source) {
        const buf = chunk as Buffer;
        const from = Math.max(0, start - offset);
        const to = Math.min(buf.length, end + 1 - offset);
        offset += buf.length;
        if (to > from) yield buf.subarray(from, to);
        if (offset > end) break;
      }
      source.destroy();
    })(),
  );
}

/**
 * Vercel Blob backend. Objects are private (recordings are the streamer's content); the app streams them
 * through /api/media after its own authorization check.
 */
export function createVercelStore(token: string): BlobStore {
  const access = "private" as const;
  async function open(key: string, range?: { start: number; end: number }) {
    assertValidKey(key);
    const headers = range ? { range: `bytes=${range.start}-${range.end}` } : undefined;
    const res = await get(key, { access, token, headers });
    if (!res || res.statusCode !== 200) return null;
    return res;
  }
  return {
    kind: "vercel",
    async put(key, source, opts) {
      assertValidKey(key);
      const body = typeof source === "string" ? fs.createReadStream(source) : source;
      await put(key, body, {
        access,
        token,
        addRandomSuffix: false,
        allowOverwrite: true,
        contentType: opts?.contentType,
        multipart: typeof source === "string",
      });
      const size = typeof source === "string" ? (await fsp.stat(source)).size : source.length;
      return { key, size };
    },
    async download(key, destPath) {
      const res = await open(key);
      if (!res) throw new BlobNotFoundError(key);
      await fsp.mkdir(path.dirname(destPath), { recursive: true });
      await pipeline(Readable.fromWeb(res.stream as never), fs.createWriteStream(destPath));
    },
    async read(key, range) {
      const res = await open(key, range);
      if (!res) return null;
      const stream = Readable.fromWeb(res.stream as never);
      const contentRange = res.headers.get("content-range");
      if (contentRange) return { stream, size: Number(contentRange.split("/")[1]) };
      // A whole-object answer to a range request (a cache or proxy that ignores Range): cut the range out here,
      // or /api/media would send the whole object under a 206 sized for the range.
      return { stream: range ? sliceStream(stream, range.start, range.end) : stream, size: res.blob.size };
    },
    async stat(key) {
      assertValidKey(key);
      const meta = await head(key, { token }).catch(() => null);
      return meta ? { size: meta.size } : null;
    },
    async delete(key) {
      assertValidKey(key);
      await del(key, { token }).catch((err: Error) => {
        if (!/not found/i.test(err.message)) throw err;
      });
    },
    async list(prefix) {
      assertValidPrefix(prefix);
      const found: TListedBlob[] = [];
      let cursor: string | undefined;
      do {
        // 1000 is the API's largest page; `cursor` is only present while `hasMore`.
        const page = await listPage({ prefix, cursor, limit: 1000, token });
        for (const b of page.blobs) found.push({ key: b.pathname, size: b.size, uploadedAt: new Date(b.uploadedAt) });
        cursor = page.hasMore ? page.cursor : undefined;
      } while (cursor);
      return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    directUrl() {
      return null;
    },
  };
}
