import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { watchSegmentList } from "./watch-segment-list";

let root: string;
let dir: string;
let n = 0;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "clipstream-watch-list-"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  dir = path.join(root, `run-${n++}`);
  fs.mkdirSync(dir);
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

const touch = (...files: string[]) => files.forEach((f) => fs.writeFileSync(path.join(dir, f), ""));
const append = (list: string, text: string) => fs.appendFileSync(path.join(dir, list), text);

describe("watchSegmentList", () => {
  it("hands over a listed segment once the next one is open, each once, in order", () => {
    const got: [number, string, number][] = [];
    const watch = watchSegmentList(dir, { segment: (num, file, duration) => got.push([num, file, duration]) });
    touch("00007.ts", "00008.ts");
    append("list.csv", "00007.ts,0.000000,10.000000\n00008.ts,10.000000,2");
    vi.advanceTimersByTime(249);
    expect(got).toEqual([]); // no poll yet
    vi.advanceTimersByTime(1);
    expect(got).toEqual([[7, path.join(dir, "00007.ts"), 10]]); // 00008 is listed half-written and has no successor
    append("list.csv", "0.040000\n");
    vi.advanceTimersByTime(250);
    expect(got).toHaveLength(1); // listed in full, but no 00009.ts yet: left to the caller
    touch("00009.ts");
    vi.advanceTimersByTime(500);
    expect(got).toEqual([
      [7, path.join(dir, "00007.ts"), 10],
      [8, path.join(dir, "00008.ts"), 20.04 - 10],
    ]);
    watch.stop({ drainChunks: true });
    touch("00010.ts");
    append("list.csv", "00009.ts,20.04,30.04\n");
    vi.advanceTimersByTime(1000);
    expect(got).toHaveLength(2); // stopped
  });

  it("hands over audio chunks as soon as they are listed, and those listed after the last poll on stop", () => {
    const chunks: [string, number, number][] = [];
    const watch = watchSegmentList(dir, { segment: () => {}, chunk: (file, e) => chunks.push([file, e.start, e.end]) });
    append("chunks.csv", "a-00000.wav,0.000000,2.000000\n");
    vi.advanceTimersByTime(250);
    expect(chunks).toEqual([[path.join(dir, "a-00000.wav"), 0, 2]]);
    append("chunks.csv", "a-00001.wav,2.000000,3.500000\n");
    watch.stop({ drainChunks: true });
    expect(chunks).toEqual([
      [path.join(dir, "a-00000.wav"), 0, 2],
      [path.join(dir, "a-00001.wav"), 2, 3.5],
    ]);
  });

  it("leaves chunks alone on stop without drainChunks, and without a chunk handler", () => {
    const chunks: string[] = [];
    const watch = watchSegmentList(dir, { segment: () => {}, chunk: (file) => chunks.push(file) });
    append("chunks.csv", "a-00000.wav,0.000000,2.000000\n");
    watch.stop({ drainChunks: false });
    expect(chunks).toEqual([]);
    const segmentsOnly = watchSegmentList(dir, { segment: () => {} });
    vi.advanceTimersByTime(250);
    segmentsOnly.stop({ drainChunks: true }); // nothing to hand chunks to: no error
  });
});
