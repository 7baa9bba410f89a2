import { beforeEach, describe, expect, it, vi } from "vitest";

const list = vi.fn();
vi.mock("@vercel/blob", () => ({ list, del: vi.fn(), get: vi.fn(), head: vi.fn(), put: vi.fn() }));
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
