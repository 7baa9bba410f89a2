import fs from "node:fs";
import path from "node:path";
import { parseSegmentList, type TListEntry } from "./parse-segment-list";
import { CHUNK_LIST, SEGMENT_LIST } from "./segmenter-args";

export type TSegmentListHandlers = {
  /** A finished segment: its number, file and listed duration. */
  segment: (number: number, file: string, duration: number) => void;
  /** A finished audio chunk (only when the run writes chunks). */
  chunk?: (file: string, entry: TListEntry) => void;
};

export type TSegmentListWatch = { stop(opts: { drainChunks: boolean }): void };

/**
 * Polls the lists ffmpeg writes into a run directory (every 250 ms) while it keeps recording, and hands each
 * entry over once, in order: a segment once the next one is open, an audio chunk as soon as it is listed.
 * The segment ffmpeg lists as it exits has no successor and is left to the caller, which knows whether it
 * is final (otherwise a poll between that list write and the exit would hand it over as not final).
 * `stop()` ends the polling; `drainChunks` then hands over the chunks listed since the last poll.
 */
export function watchSegmentList(runDir: string, on: TSegmentListHandlers): TSegmentListWatch {
  const list = path.join(runDir, SEGMENT_LIST);
  const chunkList = path.join(runDir, CHUNK_LIST);
  let seen = 0;
  let chunksSeen = 0;
  const drainChunks = (chunk: NonNullable<TSegmentListHandlers["chunk"]>) => {
    for (const c of parseSegmentList(chunkList, /^a-\d+\.wav$/).slice(chunksSeen)) {
      chunksSeen++;
      chunk(path.join(runDir, c.file), c);
    }
  };
  const drain = () => {
    const entries = parseSegmentList(list);
    for (const e of entries.slice(seen)) {
      const n = Number.parseInt(e.file, 10);
      // The next file exists once ffmpeg has closed this one (same container: the run's output).
      if (!fs.existsSync(path.join(runDir, `${String(n + 1).padStart(5, "0")}${path.extname(e.file)}`))) break;
      on.segment(n, path.join(runDir, e.file), e.end - e.start);
      seen++;
    }
    if (on.chunk) drainChunks(on.chunk);
  };
  const timer = setInterval(drain, 250);
  return {
    stop(opts) {
      clearInterval(timer);
      if (on.chunk && opts.drainChunks) drainChunks(on.chunk);
    },
  };
}
