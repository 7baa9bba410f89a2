import fs from "node:fs";

/** One line of an ffmpeg segment list: file name, start and end in seconds of the run's output. */
export type TListEntry = { file: string; start: number; end: number };

/** A segment file of a run: its number, in the container of the recording's output (stream copy: MPEG-TS). */
export const SEGMENT_FILE = /^\d+\.(ts|mp4|webm)$/;

/** Complete lines only: ffmpeg may be halfway through writing the last one. */
export function parseSegmentList(file: string, name = SEGMENT_FILE): TListEntry[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .slice(0, -1)
    .map((l) => {
      const [f, s, e] = l.split(",");
      return { file: f, start: Number(s), end: Number(e) };
    })
    .filter((e) => name.test(e.file) && Number.isFinite(e.start) && Number.isFinite(e.end));
}
