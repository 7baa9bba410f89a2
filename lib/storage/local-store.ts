import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { assertValidKey, assertValidPrefix, BlobNotFoundError, type BlobStore, type TListedBlob } from "./types";

/** `put`'s temp file (`<key>.<pid>.<ms>.part`): not a blob yet. */
const PART_RE = /\.\d+\.\d+\.part$/;

/** Blob storage in a local directory. Writes go to a temp file and are renamed, so readers never see half a file. */
export function createLocalStore(root: string): BlobStore {
  const resolve = (key: string) => {
    assertValidKey(key);
    return path.join(root, key);
  };
  return {
    kind: "local",
    async put(key, source) {
      const dest = resolve(key);
      await fsp.mkdir(path.dirname(dest), { recursive: true });
      const tmp = `${dest}.${process.pid}.${Date.now()}.part`;
      try {
        if (typeof source === "string") await pipeline(fs.createReadStream(source), fs.createWriteStream(tmp));
        else await fsp.writeFile(tmp, source);
        await fsp.rename(tmp, dest);
      } catch (err) {
        await fsp.rm(tmp, { force: true });
        throw err;
      }
      const { size } = await fsp.stat(dest);
      return { key, size };
    },
    async download(key, destPath) {
      const src = resolve(key);
      await fsp.mkdir(path.dirname(destPath), { recursive: true });
      try {
        await fsp.copyFile(src, destPath);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new BlobNotFoundError(key);
        throw err;
      }
    },
    async read(key, range) {
      const file = resolve(key);
      const st = await fsp.stat(file).catch(() => null);
      if (!st) return null;
      return { stream: fs.createReadStream(file, range), size: st.size };
    },
    async stat(key) {
      const st = await fsp.stat(resolve(key)).catch(() => null);
      return st ? { size: st.size } : null;
    },
    async delete(key) {
      await fsp.rm(resolve(key), { force: true });
    },
    async list(prefix) {
      assertValidPrefix(prefix);
      // Walk the deepest folder the prefix names whole; keys below it are filtered by the prefix itself.
      const dir = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
      const entries = await fsp.readdir(path.join(root, dir), { recursive: true, withFileTypes: true }).catch((err) => {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw err;
      });
      const found: TListedBlob[] = [];
      for (const e of entries) {
        if (!e.isFile() || PART_RE.test(e.name)) continue;
        const file = path.join(e.parentPath, e.name);
        const key = path.relative(root, file).split(path.sep).join("/");
        if (!key.startsWith(prefix)) continue;
        try {
          assertValidKey(key);
        } catch {
          continue; // not written by put (a stray file in the directory)
        }
        const st = await fsp.stat(file).catch(() => null); // deleted while listing
        if (st) found.push({ key, size: st.size, uploadedAt: st.mtime });
      }
      return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    directUrl() {
      return null;
    },
  };
}
