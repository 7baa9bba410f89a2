/** Where a clip's preview proxy of the window [startMs, endMs] (stream time) is stored. Retention purges `clips/<id>/proxy-*`. */
export function previewKeys(clipId: string, startMs: number, endMs: number) {
  const base = `clips/${clipId}/proxy-${startMs}-${endMs}`;
  return { video: `${base}.mp4`, thumb: `${base}.jpg` };
}
