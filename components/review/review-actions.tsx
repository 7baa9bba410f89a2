import { useEffect } from "react";
import type { TReviewDecision } from "../hooks/use-review-queue";

type TActions = { decide: (review: TReviewDecision) => void; toggleFavorite: () => void; undo: () => void };

/** Keys: A or → approves, R or ← rejects, F favourites, U undoes (not while typing in a field, nor with a modifier). */
export function useReviewKeys({ decide, toggleFavorite, undo }: TActions) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || (e.target as HTMLElement).closest("input, textarea, select")) return;
      const k = e.key.toLowerCase();
      if (k === "a" || k === "arrowright") decide("APPROVED");
      else if (k === "r" || k === "arrowleft") decide("REJECTED");
      else if (k === "f") toggleFavorite();
      else if (k === "u") undo();
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [decide, toggleFavorite, undo]);
}

/** The last decision, with Undo. */
export function UndoBar({
  last,
  onUndo,
}: {
  last: { clip: { title: string }; review: TReviewDecision };
  onUndo: () => void;
}) {
  return (
    <div
      className="mt-3 flex items-center justify-between gap-3 rounded-lg bg-zinc-900 px-3 py-2 text-sm"
      role="status"
    >
      <span className="truncate text-zinc-300">
        {last.review === "APPROVED" ? "Approved" : "Rejected"} “{last.clip.title}”
      </span>
      <button className="shrink-0 font-medium text-rose-400 hover:text-rose-300" onClick={onUndo}>
        Undo
      </button>
    </div>
  );
}

/** Reject / Favourite / Approve: a thumb-sized bar fixed to the bottom on phones, under the card with key hints from `sm`. */
export function ReviewActions({ favorite, decide, toggleFavorite }: { favorite: boolean } & Omit<TActions, "undo">) {
  return (
    <div className="fixed inset-x-0 bottom-0 z-10 border-t border-zinc-800 bg-zinc-950/95 px-4 pb-[max(0.75rem,env(safe-area-inset-bottom))] pt-3 backdrop-blur sm:static sm:mt-4 sm:border-0 sm:bg-transparent sm:p-0">
      <div className="mx-auto grid max-w-xl grid-cols-3 gap-3">
        <button
          onClick={() => decide("REJECTED")}
          className="flex h-14 items-center justify-center gap-2 rounded-xl border border-red-500/40 bg-red-500/10 text-base font-semibold text-red-300 active:bg-red-500/25"
        >
          <span aria-hidden>✕</span> Reject
        </button>
        <button
          onClick={toggleFavorite}
          aria-pressed={favorite}
          className="flex h-14 items-center justify-center gap-2 rounded-xl border border-amber-400/40 bg-amber-400/10 text-base font-semibold text-amber-200 active:bg-amber-400/25 aria-pressed:bg-amber-400 aria-pressed:text-amber-950"
        >
          <span aria-hidden>{favorite ? "★" : "☆"}</span> Favourite
        </button>
        <button
          onClick={() => decide("APPROVED")}
          className="flex h-14 items-center justify-center gap-2 rounded-xl bg-emerald-500 text-base font-semibold text-emerald-950 active:bg-emerald-400"
        >
          <span aria-hidden>✓</span> Approve
        </button>
      </div>
      <p className="mt-3 hidden text-center text-xs text-zinc-500 sm:block">
        Keys: <kbd className="rounded bg-zinc-800 px-1">A</kbd> / <kbd className="rounded bg-zinc-800 px-1">→</kbd>{" "}
        approve · <kbd className="rounded bg-zinc-800 px-1">R</kbd> / <kbd className="rounded bg-zinc-800 px-1">←</kbd>{" "}
        reject · <kbd className="rounded bg-zinc-800 px-1">F</kbd> favourite ·{" "}
        <kbd className="rounded bg-zinc-800 px-1">U</kbd> undo
      </p>
    </div>
  );
}
