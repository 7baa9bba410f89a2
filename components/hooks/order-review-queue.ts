/**
 * The review queue in the order the user works through it: oldest first, minus the clips decided locally, with the
 * clip already on screen kept first. The API lists by creation time, and a clip detected earlier can finish
 * rendering later: without the pin it would jump in front and the next key or tap would decide a clip the user
 * had not looked at.
 */
export function orderReviewQueue<T extends { id: string }>(
  newestFirst: readonly T[],
  decided: Readonly<Record<string, unknown>>,
  shownId: string | null,
): T[] {
  const queue = newestFirst.filter((c) => !decided[c.id]).reverse();
  const shown = queue.findIndex((c) => c.id === shownId);
  if (shown > 0) queue.unshift(...queue.splice(shown, 1));
  return queue;
}
