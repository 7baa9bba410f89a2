import { getClipWindow } from "./clip-window";
import { loudnessPeaks } from "./loudness";

/** The trim editor's timeline: the window of stored recording around the clip and its loudness peaks. */
export async function getClipWaveform(userId: string, clipId: string) {
  const { sessionId, window, stored } = await getClipWindow(userId, clipId);
  const buckets = Math.max(1, Math.min(600, Math.round((window.end - window.start) * 5)));
  return { window, stored, peaks: await loudnessPeaks(sessionId, window.start, window.end, buckets) };
}
