import fs from "node:fs";
import path from "node:path";
import { PART_PLAYLIST } from "./segmenter-args";

/** One live part of a run: its index in the run (p-0000012.ts → 12), file name and listed duration (0: unknown). */
export type TPartEntry = { index: number; file: string; duration: number };

const PART_FILE = /^p-(\d+)\.ts$/;
export const partFileName = (index: number) => `p-${String(index).padStart(7, "0")}.ts`;

/** The parts an HLS media playlist lists (ffmpeg lists a part only once it is closed), in order. */
export function parsePartPlaylist(text: string): TPartEntry[] {
  const entries: TPartEntry[] = [];
  let duration: number | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#EXTINF:")) duration = Number.parseFloat(line.slice(8));
    else if (line && !line.startsWith("#")) {
      const m = PART_FILE.exec(line);
      if (m && duration !== null && Number.isFinite(duration)) {
        entries.push({ index: Number(m[1]), file: line, duration });
      }
      duration = null;
    }
  }
  return entries;
}

export type TPartPlaylistWatch = { stop(opts: { drain: boolean }): void };

/**
 * Polls the run's part playlist (every 250 ms; ffmpeg replaces it atomically) and hands every closed part
 * over once, in index order. The playlist is a sliding window: a part that slid out before a poll saw it
 * (an event loop stalled for a minute) is still handed over, with duration 0, for the caller to probe.
 * `stop({ drain })` ends the polling, handing over what ffmpeg listed as it exited when `drain`.
 */
export function watchPartPlaylist(runDir: string, onPart: (entry: TPartEntry) => void): TPartPlaylistWatch {
  const file = path.join(runDir, PART_PLAYLIST);
  let next = 0;
  const drain = () => {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      return; // not written yet
    }
    const entries = parsePartPlaylist(text);
    const byIndex = new Map(entries.map((e) => [e.index, e]));
    const newest = entries.at(-1)?.index ?? -1;
    for (; next <= newest; next++) onPart(byIndex.get(next) ?? { index: next, file: partFileName(next), duration: 0 });
  };
  const timer = setInterval(drain, 250);
  return {
    stop(opts) {
      clearInterval(timer);
      if (opts.drain) drain();
    },
  };
}
