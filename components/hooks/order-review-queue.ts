type TQueued = { id: string; createdAt: string };

/**
 * The review queue in the order the user works through it: oldest first, minus the clips decided locally, plus
 * the clips put back by Undo that the last fetch did not list yet (a fetch that started before the undo reached
 * the server), with the clip already on screen kept first. The API lists by creation time, and a clip detected
 * earlier can finish rendering later: without the pin it would jump in front and the next key or tap would
 * decide a clip the user had not looked at.
 */
export function orderReviewQueue<T extends TQueued>(
  listedNewestFirst: readonly T[],
  restored: readonly T[],
  decided: Readonly<Record<string, unknown>>,
  shownId: string | null,
): T[] {
  const listed = new Set(listedNewestFirst.map((c) => c.id));
  const queue = [...listedNewestFirst, ...restored.filter((c) => !listed.has(c.id))]
    .filter((c) => !decided[c.id])
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const shown = queue.findIndex((c) => c.id === shownId);
  if (shown > 0) queue.unshift(...queue.splice(shown, 1));
  return queue;
}
