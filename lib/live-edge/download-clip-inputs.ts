import fs from "node:fs/promises";
import path from "node:path";
import type { TClipInput } from "@/lib/media";
import { getStore } from "@/lib/storage";
import { continuousRangeAt, storedSegments, type TStoredSegment } from "@/lib/studio/stored-range";
import { liveEdgeOf, partsCovering, readLiveManifest, type TLiveManifest, type TLivePart } from "./manifest";

/** Where a clip's media came from. */
export type TClipSource = "segments" | "parts" | "segments+parts";

export type TClipInputs = {
  inputs: TClipInput[];
  start: number;
  end: number;
  source: TClipSource;
  /** From the parts alone: how long the first part is (its start, a keyframe, is at most this before `start`). */
  firstPartSeconds?: number;
};

/** Clip ends within this of what is stored count as covered (container rounding). */
const EPS = 0.05;
/** How often the live manifest is read again while waiting for the live edge to pass the clip's end. */
const POLL_MS = 400;
/**
 * How long a render waits for the live edge to reach the clip's end (a live clip can end ~2 s after the
 * newest part; parts come every 1–2 s). A live edge that has not got there by then has stalled (the source
 * is reconnecting): the render goes on with what is stored, or fails and is retried by its function.
 */
export const LIVE_EDGE_WAIT_SECONDS = 20;

/**
 * Downloads into `dir` the media a clip of [start, end] (session seconds) is cut from: the stored segments
 * when they hold the whole range; otherwise the live parts (their segment has not closed yet), concatenated
 * byte-wise into one MPEG-TS, alone or after the segments that hold the range's beginning. When neither
 * holds the range yet because the live edge has not reached `end`, it waits (polling the manifest) up to
 * `waitSeconds`. After that, `clamp` cuts the range to the stored stretch containing its start (segments,
 * else parts; the old behaviour for ranges partly purged); without `clamp` an uncovered range throws.
 */
export async function downloadClipInputs(opts: {
  sessionId: string;
  start: number;
  end: number;
  dir: string;
  clamp?: boolean;
  waitSeconds?: number;
  /**
   * Take the live parts when they still cover the range even if stored segments do too (a keyframe cut
   * copies from the parts: each begins on a keyframe, and the range is a few parts rather than whole segments).
   */
  preferParts?: boolean;
}): Promise<TClipInputs> {
  const { sessionId, start, end, dir } = opts;
  const deadline = Date.now() + (opts.waitSeconds ?? LIVE_EDGE_WAIT_SECONDS) * 1000;
  for (;;) {
    const segments = await storedSegments(sessionId);
    const run = continuousRangeAt(segments, start);
    const m = opts.preferParts || !(run && run.end >= end - EPS) ? await readLiveManifest(sessionId) : null;
    const parts = m ? partsCovering(m, start, end) : null;
    const fromParts = async (): Promise<TClipInputs> => ({
      inputs: [await downloadParts(parts!, dir)],
      start,
      end,
      source: "parts",
      firstPartSeconds: parts![0].duration,
    });
    if (parts && opts.preferParts) return fromParts();
    if (run && run.end >= end - EPS) {
      return { inputs: await downloadSegments(segments, start, end, dir), start, end, source: "segments" };
    }
    if (m) {
      if (parts) return fromParts();
      const rest = run ? partsCovering(m, run.end, end) : null;
      if (run && rest) {
        const inputs = await downloadSegments(segments, start, run.end, dir);
        // The parts input may begin before the segments' end (cut on another keyframe): it is used from there.
        inputs.push({ ...(await downloadParts(rest, dir)), from: run.end });
        return { inputs, start, end, source: "segments+parts" };
      }
      const edge = liveEdgeOf(m);
      if (!m.ended && (edge === null || edge < end + EPS) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        continue;
      }
    }
    return fallback({ segments, manifest: m, start, end, dir, clamp: !!opts.clamp });
  }
}

/** Nothing holds the whole range: with `clamp`, what holds its start; otherwise an error. */
async function fallback(o: {
  segments: TStoredSegment[];
  manifest: TLiveManifest | null;
  start: number;
  end: number;
  dir: string;
  clamp: boolean;
}): Promise<TClipInputs> {
  const missing = new Error("the recording for this clip is no longer stored (or not recorded yet)");
  if (!o.clamp) throw missing;
  const covering = o.segments.filter((s) => s.startOffset < o.end && s.startOffset + s.duration > o.start);
  if (covering.length) {
    const start = Math.max(o.start, covering[0].startOffset);
    const end = Math.min(o.end, covering.at(-1)!.startOffset + covering.at(-1)!.duration);
    return { inputs: await downloadSegments(covering, start, end, o.dir), start, end, source: "segments" };
  }
  const edge = o.manifest ? liveEdgeOf(o.manifest) : null;
  const parts = o.manifest && edge !== null && edge > o.start ? partsCovering(o.manifest, o.start, edge) : null;
  if (!parts) throw missing;
  return { inputs: [await downloadParts(parts, o.dir)], start: o.start, end: edge!, source: "parts" };
}

async function downloadSegments(segments: TStoredSegment[], start: number, end: number, dir: string) {
  const covering = segments.filter((s) => s.startOffset < end && s.startOffset + s.duration > start);
  return Promise.all(
    covering.map(async (s): Promise<TClipInput> => {
      // The segment's own container (.ts for stream copy, .mp4 or .webm when the streamer re-encodes).
      const file = path.join(dir, `seg-${s.number}${path.extname(s.storageKey) || ".ts"}`);
      await getStore().download(s.storageKey, file);
      return { path: file, startOffset: s.startOffset, duration: s.duration };
    }),
  );
}

/**
 * Consecutive parts → one MPEG-TS file (parts keep the run's running timestamps, so byte-wise concatenation
 * is a valid stream), starting where the first part starts.
 */
async function downloadParts(parts: TLivePart[], dir: string): Promise<TClipInput> {
  const store = getStore();
  const files = await Promise.all(
    parts.map(async (p) => {
      const file = path.join(dir, `part-${p.seq}.ts`);
      await store.download(p.key, file);
      return file;
    }),
  );
  const out = path.join(dir, `parts-${parts[0].seq}-${parts.at(-1)!.seq}.ts`);
  for (const f of files) {
    await fs.appendFile(out, await fs.readFile(f)); // parts are 1–2 s: small enough to hold one at a time
    await fs.rm(f, { force: true });
  }
  const last = parts.at(-1)!;
  return { path: out, startOffset: parts[0].start, duration: last.start + last.duration - parts[0].start };
}
