import pLimit from "p-limit";
import { prisma } from "@/lib/db";
import { getStore, storageKeys } from "@/lib/storage";

/** Analysis blobs read at once for one view: a long session's many segments, without one request hogging storage. */
const READ_CONCURRENCY = 8;

/** -70 LUFS (the analysis floor) → 0, -10 LUFS (very loud) → 1. */
const level = (lufs: number) => Math.min(1, Math.max(0, (lufs + 70) / 60));

async function readLoudness(sessionId: string, number: number): Promise<{ t: number; lufs: number }[]> {
  const res = await getStore().read(storageKeys.segmentSignals(sessionId, number));
  if (!res) return [];
  const chunks: Buffer[] = [];
  for await (const c of res.stream) chunks.push(Buffer.from(c));
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { loudness?: { t: number; lufs: number }[] };
    return Array.isArray(parsed.loudness) ? parsed.loudness : [];
  } catch {
    return [];
  }
}

/**
 * Loudness over [from, to] of a session (stream time) as `buckets` peak levels in 0..1, from the momentary
 * loudness (100 ms steps) that segment analysis stored; buckets without analysis are null. This is both the
 * trim waveform and the session view's loudness strip.
 */
export async function loudnessPeaks(
  sessionId: string,
  from: number,
  to: number,
  buckets: number,
): Promise<(number | null)[]> {
  const segments = await prisma.segment.findMany({
    where: { sessionId, startOffset: { lt: to } },
    select: { number: true, startOffset: true, duration: true },
    orderBy: { number: "asc" },
  });
  const overlapping = segments.filter((s) => s.startOffset + s.duration > from);
  const peaks: (number | null)[] = Array.from({ length: buckets }, () => null);
  const step = (to - from) / buckets;
  const series = await pLimit(READ_CONCURRENCY).map(overlapping, (s) => readLoudness(sessionId, s.number));
  for (const loudness of series) {
    for (const { t, lufs } of loudness) {
      // `t` is the end of a 400 ms window; its middle is what was heard.
      const i = Math.floor((t - 0.2 - from) / step);
      if (i < 0 || i >= buckets) continue;
      peaks[i] = Math.max(peaks[i] ?? 0, level(lufs));
    }
  }
  return peaks.map((p) => (p === null ? null : Math.round(p * 1000) / 1000));
}
