/**
 * Backpressure on the live edge (decisions 013, 017). A session's chunks are processed one at a time; when the
 * machine cannot decode every live stream in real time, chunks queue up and the stream's clips lag behind.
 * Then a chunk first runs "fast": decoded with the pruned search (POCKETSPHINX_SEARCH=fast, about half the
 * CPU; rougher words, kept as the transcript). Further behind it runs "cheap": loudness, silences and keyword
 * spotting only (about a sixth of the CPU of a full chunk, see bench/live-concurrency.ts), no speech decoding;
 * its segment transcribes that stretch when it closes (catch-up). Pure functions, tested without I/O.
 */

export type TChunkMode = "full" | "fast" | "cheap";
export type TLiveDecode = "auto" | "always" | "never";

/**
 * Falling this far behind live decodes a stream's chunks with the fast search: a chunk that waited 3 s for a
 * worker (the machine is not keeping up) or one queued behind it. (At 5 s, six streams starting at once had
 * built up 20 s of lag before their chunks went fast; bench live-concurrency, decision 017.)
 */
export const FAST_ENTER_SECONDS = 3;
/** Falling this far behind live switches a stream to cheap chunks (two 5-s chunks queued). */
export const CHEAP_ENTER_SECONDS = 10;
/** A fast or cheap stream decodes fully again once it is at most this far behind (caught up to its chunk). */
export const CHEAP_EXIT_SECONDS = 2;
/** The UI shows a stream as behind from this lag on (one chunk in flight is normal). */
export const SHOW_BEHIND_SECONDS = 8;

/** Where a chunk stands when its function starts on it (stream seconds; times in ms since the epoch). */
export type TChunkBacklog = {
  /** End of this chunk on the session clock. */
  chunkEnd: number;
  /** End of the newest chunk of the session announced so far (the live edge as the app knows it). */
  arrivedEnd: number;
  /** When this chunk was announced, and now: a chunk waiting for a worker is behind even if it is the newest. */
  arrivedAtMs: number;
  nowMs: number;
};

/** How far behind live the stream's live-edge processing is, in seconds: the queued audio or this chunk's wait. */
export function backlogSeconds(b: TChunkBacklog): number {
  const queued = Math.max(0, b.arrivedEnd - b.chunkEnd);
  const waited = Math.max(0, (b.nowMs - b.arrivedAtMs) / 1000);
  return Math.round(Math.max(queued, waited) * 10) / 10;
}

/**
 * The mode of the next chunk. `always` decodes every chunk: with the fast search from FAST_ENTER_SECONDS behind.
 * `never` decodes none. `auto` goes fast from FAST_ENTER_SECONDS behind and cheap from CHEAP_ENTER_SECONDS. A
 * stream that went fast or cheap stays so until it is back within CHEAP_EXIT_SECONDS (hysteresis, so a stream
 * near a threshold does not flip on every chunk); a cheap one does not go back to fast on the way.
 * `previous` is the mode of the session's last chunk.
 */
export function chooseChunkMode(input: {
  decode: TLiveDecode;
  lagSeconds: number;
  previous: TChunkMode | null;
}): TChunkMode {
  const { decode, lagSeconds, previous } = input;
  if (decode === "never") return "cheap";
  const caughtUp = lagSeconds <= CHEAP_EXIT_SECONDS;
  if (decode === "auto") {
    if (previous === "cheap") return caughtUp ? "full" : "cheap";
    if (lagSeconds >= CHEAP_ENTER_SECONDS) return "cheap";
  }
  if (previous === "fast" || previous === "cheap") return caughtUp ? "full" : "fast";
  return lagSeconds >= FAST_ENTER_SECONDS ? "fast" : "full";
}

/** What the UI shows about a recording session's live edge. */
export type TLiveEdgeStatus = {
  /** Seconds of live audio announced but not yet processed (0 when caught up). */
  lagSeconds: number;
  /** Mode of the newest processed chunk: `fast` has rough words, `cheap` words that come later (segment). */
  mode: TChunkMode;
  /** True when the UI should say so (lagging by SHOW_BEHIND_SECONDS or more, or not fully decoding). */
  behind: boolean;
};

/**
 * The live edge of a session from its chunk rows: the audio announced but not processed yet (from the start
 * of the oldest waiting chunk to the newest announced end) or, when longer, how long that chunk has waited;
 * and the newest processed chunk's mode. Null without chunks (no live edge, or all consumed by segments).
 */
export function liveEdgeStatus(input: {
  /** End of the newest chunk announced (session clock), null without chunks. */
  arrivedEnd: number | null;
  /** The oldest chunk not processed yet (PENDING or RUNNING): its start and announcement time (ms). */
  oldestWaiting: { start: number; arrivedAtMs: number } | null;
  lastMode: TChunkMode | null;
  nowMs: number;
}): TLiveEdgeStatus | null {
  if (input.arrivedEnd === null) return null;
  const w = input.oldestWaiting;
  const lagSeconds = w ? Math.round(Math.max(input.arrivedEnd - w.start, (input.nowMs - w.arrivedAtMs) / 1000, 0)) : 0;
  const mode = input.lastMode ?? "full";
  return { lagSeconds, mode, behind: lagSeconds >= SHOW_BEHIND_SECONDS || mode !== "full" };
}
