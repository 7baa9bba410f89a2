import { beforeEach, describe, expect, it, vi } from "vitest";

const list = vi.fn();
const get = vi.fn();
vi.mock("@vercel/blob", () => ({ list, del: vi.fn(), get, head: vi.fn(), put: vi.fn() }));
const { createVercelStore } = await import("./vercel-store");

const blob = (pathname: string, size: number) => ({
  pathname,
  size,
  uploadedAt: new Date("2026-01-02T03:04:05Z"),
  url: `https://x.blob/${pathname}`,
  downloadUrl: `https://x.blob/${pathname}?download=1`,
  etag: "e",
});

describe("vercel blob store: list", () => {
  beforeEach(() => list.mockReset());

  it("follows the cursor through every page and returns keys sorted", async () => {
    list
      .mockResolvedValueOnce({ blobs: [blob("clips/b/clip.mp4", 2)], cursor: "c1", hasMore: true })
      .mockResolvedValueOnce({ blobs: [blob("clips/a/clip.mp4", 1)], cursor: "c2", hasMore: true })
      .mockResolvedValueOnce({ blobs: [], hasMore: false });
    const got = await createVercelStore("tok").list("clips/");
    expect(list.mock.calls.map(([o]) => o)).toEqual([
      { prefix: "clips/", cursor: undefined, limit: 1000, token: "tok" },
      { prefix: "clips/", cursor: "c1", limit: 1000, token: "tok" },
      { prefix: "clips/", cursor: "c2", limit: 1000, token: "tok" },
    ]);
    expect(got).toEqual([
      { key: "clips/a/clip.mp4", size: 1, uploadedAt: new Date("2026-01-02T03:04:05Z") },
      { key: "clips/b/clip.mp4", size: 2, uploadedAt: new Date("2026-01-02T03:04:05Z") },
    ]);
  });

  it("refuses a prefix that is not a key", async () => {
    await expect(createVercelStore("tok").list("../")).rejects.toThrow(/invalid storage prefix/);
    expect(list).not.toHaveBeenCalled();
  });
});

describe("vercel blob store: ranged reads", () => {
  /** What @vercel/blob's get() gives for an answer with these headers and body (it reports 200 for a 206 too). */
  const answer = (body: string, headers: Record<string, string>) => ({
    statusCode: 200,
    stream: new Response(body).body,
    headers: new Headers(headers),
    blob: { size: body.length },
  });
  const read = async (r: { stream: AsyncIterable<unknown> } | null) => {
    const chunks: Buffer[] = [];
    for await (const c of r!.stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString();
  };

  it("takes the service's 206 answer: the range's bytes, the object's size from Content-Range", async () => {
    get.mockResolvedValueOnce(answer("defgh", { "content-range": "bytes 3-7/26", "content-length": "5" }));
    const r = await createVercelStore("tok").read("clips/m/clip.mp4", { start: 3, end: 7 });
    expect(get.mock.calls.at(-1)![1]).toMatchObject({ headers: { range: "bytes=3-7" } });
    expect([r!.size, await read(r)]).toEqual([26, "defgh"]);
  });

  it("cuts the range out of a whole-object answer that ignored Range", async () => {
    get.mockResolvedValueOnce(answer("abcdefghijklmnopqrstuvwxyz", { "content-length": "26" }));
    const r = await createVercelStore("tok").read("clips/m/clip.mp4", { start: 3, end: 7 });
    expect([r!.size, await read(r)]).toEqual([26, "defgh"]);
  });
});

describe("sliceStream", () => {
  it("keeps bytes start..end across chunk boundaries", async () => {
    const { Readable } = await import("node:stream");
    const { sliceStream } = await import("./vercel-store");
    const chunks = ["abc", "def", "ghij", "klm"].map((x) => Buffer.from(x));
    for (const [start, end, want] of [
      [0, 12, "abcdefghijklm"],
      [2, 3, "cd"],
      [4, 9, "efghij"],
      [12, 12, "m"],
      [6, 6, "g"],
    ] as const) {
      const out: Buffer[] = [];
      for await (const c of sliceStream(Readable.from(chunks), start, end)) out.push(c as Buffer);
      expect([start, end, Buffer.concat(out).toString()]).toEqual([start, end, want]);
    }
  });
});
