/**
 * The S3-compatible store against a local server that speaks the S3 API (s3rver: SigV4 signatures checked,
 * ranges, ListObjectsV2 paging), through the real AWS SDK v3: the same behaviour the local store's tests ask
 * for, and /api/media serving ranged reads (206) from it as getStore() picks it from the environment.
 * s3rver runs in a process of its own with OpenSSL's legacy provider: its continuation tokens use DES.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts } from "@/test/app-server";
import { createS3Store } from "./s3-store";
import { BlobNotFoundError, type BlobStore } from "./types";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "s3-store-"));
let server: ChildProcess;
let endpoint = "";
const BUCKET = "clipstream-test";
// s3rver's own credentials: it checks every request's SigV4 signature with them.
const CREDS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

const storeWith = (prefix?: string): BlobStore =>
  createS3Store({ bucket: BUCKET, endpoint, region: "us-east-1", forcePathStyle: true, prefix, ...CREDS });

const text = async (r: { stream: NodeJS.ReadableStream } | null) => {
  const chunks: Buffer[] = [];
  for await (const c of r!.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

beforeAll(async () => {
  const [port] = await freePorts(1);
  const code = `
    const S3rver = require("s3rver");
    new S3rver({ address: "127.0.0.1", port: ${port}, silent: true, directory: ${JSON.stringify(path.join(tmp, "data"))},
      configureBuckets: [{ name: ${JSON.stringify(BUCKET)}, configs: [] }] }).run().then(() => console.log("ready"));`;
  server = spawn(process.execPath, ["--openssl-legacy-provider", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    server.once("exit", (c) => reject(new Error(`s3rver exited (${c})`)));
  });
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server?.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("S3-compatible blob store", () => {
  it("puts files and buffers, reads ranges, downloads, deletes idempotently", async () => {
    const store = storeWith();
    const src = path.join(tmp, "src.bin");
    fs.writeFileSync(src, Buffer.from("0123456789"));
    expect(await store.put("sessions/a/segments/00001.ts", src, { contentType: "video/mp2t" })).toEqual({
      key: "sessions/a/segments/00001.ts",
      size: 10,
    });
    expect(await store.put("clips/x/thumb.jpg", Buffer.from("jpg"))).toEqual({ key: "clips/x/thumb.jpg", size: 3 });
    expect(await store.stat("sessions/a/segments/00001.ts")).toEqual({ size: 10 });
    const r = await store.read("sessions/a/segments/00001.ts", { start: 2, end: 5 });
    expect(r!.size).toBe(10);
    expect((await text(r)).toString()).toBe("2345");
    expect((await text(await store.read("clips/x/thumb.jpg"))).toString()).toBe("jpg");

    const dest = path.join(tmp, "dl.bin");
    await store.download("sessions/a/segments/00001.ts", dest);
    expect(fs.readFileSync(dest, "utf8")).toBe("0123456789");

    await store.delete("sessions/a/segments/00001.ts");
    await store.delete("sessions/a/segments/00001.ts");
    expect(await store.stat("sessions/a/segments/00001.ts")).toBeNull();
    expect(await store.read("sessions/a/segments/00001.ts")).toBeNull();
    await expect(store.download("sessions/a/segments/00001.ts", dest)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it("streams a file of several MB in and reads its last bytes back by range", async () => {
    const store = storeWith();
    const big = path.join(tmp, "big.bin");
    const data = Buffer.alloc(6 * 1024 * 1024 + 7);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 255;
    fs.writeFileSync(big, data);
    expect(await store.put("sessions/b/segments/00000.ts", big)).toEqual({
      key: "sessions/b/segments/00000.ts",
      size: data.length,
    });
    const tail = await store.read("sessions/b/segments/00000.ts", { start: data.length - 100, end: data.length - 1 });
    expect((await text(tail)).equals(data.subarray(data.length - 100))).toBe(true);
  });

  it("lists every blob under a plain prefix, sorted, across pages; a store prefix keeps deployments apart", async () => {
    const store = storeWith("deploy-a");
    const other = storeWith("deploy-b");
    const keys = [
      "clips/c1/clip.mp4",
      "clips/c1/proxy-0-30000.jpg",
      "clips/c1/thumb.jpg",
      "clips/c10/clip.mp4",
      "exports/e1/tiktok.mp4",
    ];
    for (const k of [...keys].reverse()) await store.put(k, Buffer.from(k));
    await other.put("clips/c1/clip.mp4", Buffer.from("other deployment"));
    expect((await store.list("")).map((b) => b.key)).toEqual(keys);
    expect((await store.list("clips/c1")).map((b) => b.key)).toEqual(keys.slice(0, 4));
    expect((await store.list("clips/c1/")).map((b) => b.key)).toEqual(keys.slice(0, 3));
    expect((await store.list("nothing/")).map((b) => b.key)).toEqual([]);
    const [first] = await store.list("clips/c1/clip");
    expect(first).toMatchObject({ key: "clips/c1/clip.mp4", size: "clips/c1/clip.mp4".length });
    expect(first.uploadedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await text(await other.read("clips/c1/clip.mp4"))).toString()).toBe("other deployment");

    // More than one ListObjectsV2 page (1,000 keys).
    const many = storeWith("paged");
    for (let i = 0; i < 1003; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, 1003 - i) }, (_, j) =>
          many.put(`live/p${String(i + j).padStart(4, "0")}.ts`, Buffer.from("x")),
        ),
      );
    }
    const listed = await many.list("live/");
    expect(listed).toHaveLength(1003);
    expect(listed.at(-1)!.key).toBe("live/p1002.ts");
  });

  it.each(["../etc/passwd", "/abs/path", "a/../../b", "a//b", "", "sp ace"])("refuses key %j", async (key) => {
    await expect(storeWith().put(key, Buffer.from("x"))).rejects.toThrow(/invalid storage key/);
  });

  it("is what getStore() uses when S3_BUCKET is set, and /api/media serves its ranges (206) and whole files", async () => {
    process.env.S3_BUCKET = BUCKET;
    process.env.S3_ENDPOINT = endpoint;
    process.env.S3_FORCE_PATH_STYLE = "true";
    process.env.S3_ACCESS_KEY_ID = CREDS.accessKeyId;
    process.env.S3_SECRET_ACCESS_KEY = CREDS.secretAccessKey;
    process.env.S3_PREFIX = "media-test";
    const { getStore } = await import("./index");
    const { mediaUrl } = await import("@/lib/media-url");
    const { GET } = await import("@/app/api/media/[...key]/route");
    const store = getStore();
    expect(store.kind).toBe("s3");
    await store.put("clips/m1/clip.mp4", Buffer.from("abcdefghijklmnopqrstuvwxyz"));
    const url = new URL(mediaUrl("clips/m1/clip.mp4")!, "http://app.local");
    const get = (headers: Record<string, string> = {}) =>
      GET(new Request(url, { headers }), {
        params: Promise.resolve({ key: url.pathname.replace("/api/media/", "").split("/") }),
      });
    const part = await get({ range: "bytes=3-7" });
    expect([part.status, part.headers.get("content-range"), await part.text()]).toEqual([206, "bytes 3-7/26", "defgh"]);
    const suffix = await get({ range: "bytes=-4" });
    expect([suffix.status, await suffix.text()]).toEqual([206, "wxyz"]);
    const whole = await get();
    expect([whole.status, whole.headers.get("content-length"), await whole.text()]).toEqual([
      200,
      "26",
      "abcdefghijklmnopqrstuvwxyz",
    ]);
    // In the bucket under the prefix, as the store was told.
    expect((await storeWith("media-test").stat("clips/m1/clip.mp4"))?.size).toBe(26);
  });
});
