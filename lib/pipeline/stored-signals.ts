import { z } from "zod";
import { getStore, storageKeys } from "@/lib/storage";

/** A segment's audio signals in stream time, stored as JSON by `analyseSegmentAudio`. */
export const ZStoredSignals = z.object({
  loudness: z.array(z.object({ t: z.number(), lufs: z.number() })),
  silences: z.array(z.object({ start: z.number(), end: z.number() })),
  keywordHits: z.array(z.object({ phrase: z.string(), t: z.number() })),
});
export type TStoredSignals = z.infer<typeof ZStoredSignals>;

/** The stored signals of segment `n` of the session; null when none were stored. */
export async function readSignals(sessionId: string, n: number): Promise<TStoredSignals | null> {
  const res = await getStore().read(storageKeys.segmentSignals(sessionId, n));
  if (!res) return null;
  const chunks: Buffer[] = [];
  for await (const c of res.stream) chunks.push(Buffer.from(c));
  return ZStoredSignals.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
}
