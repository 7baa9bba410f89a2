import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { assertValidKey, BlobNotFoundError, type BlobStore } from "./types";

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
    directUrl() {
      return null;
    },
  };
}
