import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLocalStore } from "./local-store";
import { BlobNotFoundError } from "./types";

describe("local blob store", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "store-"));
  const store = createLocalStore(root);

  it("puts files and buffers, reads ranges, downloads, deletes idempotently", async () => {
    const src = path.join(root, "..", `src-${process.pid}.bin`);
    fs.writeFileSync(src, Buffer.from("0123456789"));
    expect(await store.put("sessions/a/segments/00001.ts", src)).toEqual({
      key: "sessions/a/segments/00001.ts",
      size: 10,
    });
    expect(await store.put("clips/x/thumb.jpg", Buffer.from("jpg"))).toEqual({ key: "clips/x/thumb.jpg", size: 3 });
    expect(await store.stat("sessions/a/segments/00001.ts")).toEqual({ size: 10 });

    const r = await store.read("sessions/a/segments/00001.ts", { start: 2, end: 5 });
    const chunks: Buffer[] = [];
    for await (const c of r!.stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("2345");

    const dest = path.join(root, "..", `dl-${process.pid}.bin`);
    await store.download("sessions/a/segments/00001.ts", dest);
    expect(fs.readFileSync(dest, "utf8")).toBe("0123456789");

    await store.delete("sessions/a/segments/00001.ts");
    await store.delete("sessions/a/segments/00001.ts");
    expect(await store.stat("sessions/a/segments/00001.ts")).toBeNull();
    await expect(store.download("sessions/a/segments/00001.ts", dest)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it("lists every blob under a prefix, sorted by key, with size and write time; skips temp files and strays", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "store-list-"));
    const store = createLocalStore(root);
    const keys = [
      "clips/c1/clip.mp4",
      "clips/c1/proxy-0-30000.jpg",
      "clips/c1/proxy-0-30000.mp4",
      "clips/c1/thumb.jpg",
      "clips/c10/clip.mp4",
      "exports/e1/tiktok.mp4",
      "sessions/s1/live/0000001.ts",
      "sessions/s1/segments/00000.ts",
    ];
    for (const [i, key] of [...keys].reverse().entries()) await store.put(key, Buffer.alloc(i + 1));
    const old = new Date("2026-01-02T03:04:05Z");
    fs.utimesSync(path.join(root, "clips/c1/thumb.jpg"), old, old);
    // A put in progress, and a file no key can name: neither is a blob.
    fs.writeFileSync(path.join(root, "clips/c1/clip.mp4.123.1700000000000.part"), "x");
    fs.writeFileSync(path.join(root, "clips/c1/sp ace.mp4"), "x");

    const all = await store.list("");
    expect(all.map((b) => b.key)).toEqual(keys);
    expect(all.every((b) => b.uploadedAt instanceof Date)).toBe(true);
    expect(all.find((b) => b.key === "clips/c1/thumb.jpg")).toEqual({
      key: "clips/c1/thumb.jpg",
      size: keys.length - 3,
      uploadedAt: old,
    });
    const cases: [string, string[]][] = [
      ["clips/", keys.slice(0, 5)],
      ["clips/c1/", keys.slice(0, 4)],
      ["clips/c1", keys.slice(0, 5)], // a plain prefix: c10 starts with c1
      ["clips/c1/proxy-", ["clips/c1/proxy-0-30000.jpg", "clips/c1/proxy-0-30000.mp4"]],
      ["sessions/s1/", ["sessions/s1/live/0000001.ts", "sessions/s1/segments/00000.ts"]],
      ["sessions/s2/", []],
      ["nothing/here/", []],
    ];
    for (const [prefix, expected] of cases)
      expect(
        (await store.list(prefix)).map((b) => b.key),
        prefix,
      ).toEqual(expected);
    await store.delete("clips/c1/clip.mp4");
    expect((await store.list("clips/c1/")).map((b) => b.key)).toEqual(keys.slice(1, 4));
  });

  it.each(["../", "/abs/", "a/../../", "a//", "a/./", "sp ace/", "//"])("refuses list prefix %j", async (prefix) => {
    await expect(store.list(prefix)).rejects.toThrow(/invalid storage prefix/);
  });

  it.each(["../etc/passwd", "/abs/path", "a/../../b", "a//b", "", "a/./b", "sp ace"])("refuses key %j", async (key) => {
    await expect(store.put(key, Buffer.from("x"))).rejects.toThrow(/invalid storage key/);
  });
});
