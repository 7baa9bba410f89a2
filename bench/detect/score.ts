/**
 * bench:detect's figures for one set and engine. A clip matches a labelled moment when they overlap by at
 * least 1 s (or half the moment, if shorter); each clip counts for the moment it overlaps most. Per moment
 * the best-scored matching clip is a true positive; further clips on the same moment, and clips matching no
 * moment, are false positives.
 */

type TSpan = { start: number; end: number };
export type TScoredClip = TSpan & { score: number };
export type TScoredRecording = { seconds: number; moments: TSpan[]; clips: TScoredClip[] };

const overlap = (a: TSpan, b: TSpan) => Math.min(a.end, b.end) - Math.max(a.start, b.start);
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r2 = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: number[]) => (xs.length ? r2(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

/** The moment each clip matches (its index), or -1. */
export function matchClips(moments: TSpan[], clips: TSpan[]): number[] {
  return clips.map((c) => {
    let best = -1;
    let most = 0;
    moments.forEach((m, i) => {
      const o = overlap(c, m);
      if (o >= Math.min(1, (m.end - m.start) / 2) && o > most) {
        best = i;
        most = o;
      }
    });
    return best;
  });
}

export function scoreSet(recordings: TScoredRecording[], minClipSeconds: number) {
  let clips = 0;
  let tp = 0;
  let moments = 0;
  let found = 0;
  let atK = 0;
  let k = 0;
  let seconds = 0;
  const startErr: number[] = [];
  const endErr: number[] = [];
  const floor: number[] = [];
  for (const r of recordings) {
    seconds += r.seconds;
    moments += r.moments.length;
    clips += r.clips.length;
    const match = matchClips(r.moments, r.clips);
    r.moments.forEach((m, i) => {
      const mine = r.clips.filter((_, j) => match[j] === i).sort((a, b) => b.score - a.score);
      if (!mine.length) return;
      found++;
      tp++;
      startErr.push(Math.abs(mine[0].start - m.start));
      endErr.push(Math.abs(mine[0].end - m.end));
      // A clip is at least minClipSeconds long: on a shorter moment its edges are that much off in all.
      floor.push(Math.max(0, minClipSeconds - (m.end - m.start)) / 2);
    });
    // precision@K: the top K clips by score, K = this recording's labelled moments (the set's moments per hour).
    const ranked = r.clips.map((c, j) => ({ c, m: match[j] })).sort((a, b) => b.c.score - a.c.score);
    const seen = new Set<number>();
    for (const { m } of ranked.slice(0, r.moments.length)) {
      if (m >= 0 && !seen.has(m)) atK++;
      if (m >= 0) seen.add(m);
    }
    k += r.moments.length;
  }
  const precision = clips ? tp / clips : null;
  const recall = moments ? found / moments : null;
  const f1 =
    precision !== null && recall !== null && precision + recall > 0
      ? (2 * precision * recall) / (precision + recall)
      : null;
  const hours = seconds / 3600;
  return {
    streamSeconds: seconds,
    moments,
    clips,
    truePositives: tp,
    precision: precision === null ? null : r3(precision),
    recall: recall === null ? null : r3(recall),
    f1: f1 === null ? null : r3(f1),
    kPerStreamHour: r2(k / hours),
    precisionAtK: k ? r3(atK / k) : null,
    falsePositivesPerStreamHour: r2((clips - tp) / hours),
    meanStartErrorSeconds: mean(startErr),
    meanEndErrorSeconds: mean(endErr),
    meanBoundaryErrorSeconds: mean([...startErr, ...endErr]),
    /** The least mean boundary error clips of at least minClipSeconds can have on these moments. */
    boundaryErrorFloorSeconds: mean(floor),
  };
}
