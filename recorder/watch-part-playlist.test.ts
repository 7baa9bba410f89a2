import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PART_PLAYLIST } from "./segmenter-args";
import { parsePartPlaylist, watchPartPlaylist, type TPartEntry } from "./watch-part-playlist";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "parts-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const playlist = (first: number, durations: number[], end = false) =>
  [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    "#EXT-X-TARGETDURATION:2",
    `#EXT-X-MEDIA-SEQUENCE:${first}`,
    ...durations.flatMap((d, i) => [`#EXTINF:${d.toFixed(6)},`, `p-${String(first + i).padStart(7, "0")}.ts`]),
    ...(end ? ["#EXT-X-ENDLIST"] : []),
    "",
  ].join("\n");

describe("parsePartPlaylist", () => {
  it("lists each part's index, file and duration, ignoring other URIs and tags", () => {
    const text = playlist(3, [1.0, 1.5]) + "#EXTINF:1.0,\nother.ts\n#EXT-X-DISCONTINUITY\n";
    expect(parsePartPlaylist(text)).toEqual([
      { index: 3, file: "p-0000003.ts", duration: 1 },
      { index: 4, file: "p-0000004.ts", duration: 1.5 },
    ]);
    expect(parsePartPlaylist("")).toEqual([]);
  });
});

describe("watchPartPlaylist", () => {
  it("hands each part over once, in order; parts that slid out of the window unseen come with duration 0", async () => {
    const got: TPartEntry[] = [];
    const file = path.join(tmp, PART_PLAYLIST);
    const watch = watchPartPlaylist(tmp, (e) => got.push(e));
    fs.writeFileSync(file, playlist(0, [1, 1]));
    await new Promise((r) => setTimeout(r, 400));
    fs.writeFileSync(file, playlist(0, [1, 1, 2]));
    await new Promise((r) => setTimeout(r, 400));
    // The window moved past 3 and 4 between two polls.
    fs.writeFileSync(file, playlist(5, [1.2, 1.1], true));
    watch.stop({ drain: true });
    expect(got).toEqual([
      { index: 0, file: "p-0000000.ts", duration: 1 },
      { index: 1, file: "p-0000001.ts", duration: 1 },
      { index: 2, file: "p-0000002.ts", duration: 2 },
      { index: 3, file: "p-0000003.ts", duration: 0 },
      { index: 4, file: "p-0000004.ts", duration: 0 },
      { index: 5, file: "p-0000005.ts", duration: 1.2 },
      { index: 6, file: "p-0000006.ts", duration: 1.1 },
    ]);
  });
});
