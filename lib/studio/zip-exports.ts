import { Zip, ZipPassThrough } from "fflate";
import { getStore } from "@/lib/storage";

export type TZipEntry = { name: string; key: string };

/**
 * A zip (stored, not deflated: MP4 is already compressed) streamed entry by entry from blob storage. The
 * stream is pulled, so at most one chunk of one file is in memory at a time.
 */
export function zipFromStore(entries: TZipEntry[]): ReadableStream<Uint8Array> {
  const store = getStore();
  let out: ReadableStreamDefaultController<Uint8Array>;
  let failed: Error | null = null;
  let emitted = 0;
  const zip = new Zip((err, chunk, final) => {
    if (err) failed = err;
    else {
      emitted++;
      out.enqueue(chunk);
      if (final) out.close();
    }
  });
  async function* chunks() {
    for (const e of entries) {
      const file = new ZipPassThrough(e.name);
      zip.add(file);
      const blob = await store.read(e.key);
      if (!blob) throw new Error(`missing blob ${e.key}`);
      for await (const c of blob.stream) {
        file.push(new Uint8Array(c as Buffer));
        yield;
      }
      file.push(new Uint8Array(0), true);
    }
    zip.end();
  }
  const it = chunks();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        out = controller;
      },
      // A pull must enqueue something (or finish), or the stream would stall: read on until it does.
      async pull(controller) {
        const before = emitted;
        for (;;) {
          const { done } = await it.next();
          if (failed) return controller.error(failed);
          if (done || emitted > before) return; // when done, zip.end() emitted the directory and closed
        }
      },
      async cancel() {
        await it.return(undefined);
      },
    },
    { highWaterMark: 4 },
  );
}

/** A file name that is safe in every OS's zip tool. */
export function safeName(s: string): string {
  return (
    s
      .normalize("NFKD")
      .replace(/[^\w\- ]+/g, "")
      .trim()
      .replace(/\s+/g, "-")
      .slice(0, 60) || "clip"
  );
}
