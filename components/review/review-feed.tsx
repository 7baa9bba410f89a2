"use client";
import { useReviewQueue } from "../hooks/use-review-queue";
import { ReviewActions, UndoBar, useReviewKeys } from "./review-actions";
import { ReviewCard, ReviewEmpty } from "./review-card";
import { useSwipe } from "./use-swipe";

const SWIPE_PX = 90;

/**
 * One clip at a time: approve (tap, swipe right, A or →), reject (tap, swipe left, R or ←), favourite (tap, F),
 * undo the last decision (U). Decisions apply optimistically; the queue polls, so new clips arrive live.
 */
export function ReviewFeed() {
  const { data, error, queue, clip, last, failure, decide, toggleFavorite, undo } = useReviewQueue();
  useReviewKeys({ decide, toggleFavorite, undo });
  // The card follows the finger; past SWIPE_PX it decides.
  const swipe = useSwipe({
    threshold: SWIPE_PX,
    onSwipe: (direction) => decide(direction === "right" ? "APPROVED" : "REJECTED"),
  });

  if (error)
    return (
      <p role="alert" className="p-6 text-sm text-red-300">
        {error.message}
      </p>
    );
  if (!data) return <p className="p-6 text-sm text-zinc-400">Loading…</p>;

  return (
    <main className="mx-auto flex max-w-xl flex-col px-4 pb-32 pt-4 sm:pb-8">
      <div className="flex items-baseline justify-between">
        <h1 className="text-lg font-semibold">Review</h1>
        <p className="text-sm text-zinc-400" data-testid="review-remaining" aria-live="polite">
          {queue.length === 1 ? "1 clip to review" : `${queue.length} clips to review`}
        </p>
      </div>
      {last && <UndoBar last={last} onUndo={undo} />}
      {failure && (
        <p role="alert" className="mt-3 text-sm text-red-300">
          {failure}
        </p>
      )}
      {clip ? <ReviewCard key={clip.id} clip={clip} swipe={swipe} /> : <ReviewEmpty />}
      {clip && <ReviewActions favorite={clip.favorite} decide={decide} toggleFavorite={toggleFavorite} />}
    </main>
  );
}
