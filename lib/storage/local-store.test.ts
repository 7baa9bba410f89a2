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

  it.each(["../etc/passwd", "/abs/path", "a/../../b", "a//b", "", "a/./b", "sp ace"])("refuses key %j", async (key) => {
    await expect(store.put(key, Buffer.from("x"))).rejects.toThrow(/invalid storage key/);
  });
});
