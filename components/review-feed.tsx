"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { TClipDto } from "@/lib/clips/clips";
import { apiFetch } from "@/lib/query-client";
import { formatClock } from "./ui/format";

type TList = { clips: TClipDto[]; nextCursor: string | null };
type TDecision = "APPROVED" | "REJECTED";
const FEED_KEY = ["clips", "review-feed"] as const;
const SWIPE_PX = 90;

/**
 * One clip at a time: approve (tap, swipe right, A or →), reject (tap, swipe left, R or ←), favourite (tap, F),
 * undo the last decision (U). Decisions apply optimistically; the queue polls, so new clips arrive live.
 */
export function ReviewFeed() {
  const qc = useQueryClient();
  const { data, error } = useQuery({
    queryKey: FEED_KEY,
    queryFn: () => apiFetch<TList>("/api/clips?review=PENDING&render=READY&limit=50"),
    refetchInterval: 4_000,
  });
  // Decided locally but maybe not yet confirmed by a refetch: hidden from the queue right away.
  const [decided, setDecided] = useState<Record<string, TDecision>>({});
  const [last, setLast] = useState<{ id: string; title: string; review: TDecision } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  // Oldest first, so clips arriving live join the end of the queue instead of replacing the one on screen.
  const queue = (data?.clips ?? []).filter((c) => !decided[c.id]).reverse();
  const clip = queue[0] ?? null;

  const patch = useMutation({
    mutationFn: (v: { id: string; body: { review?: TDecision | "PENDING"; favorite?: boolean } }) =>
      apiFetch<{ clip: TClipDto }>(`/api/clips/${v.id}`, { method: "PATCH", body: JSON.stringify(v.body) }),
    onError: (err, v) => {
      setFailure(err.message);
      if (v.body.review) setDecided(({ [v.id]: _, ...rest }) => rest);
      void qc.invalidateQueries({ queryKey: FEED_KEY });
    },
    onSuccess: () => {
      setFailure(null);
      void qc.invalidateQueries({ queryKey: ["clips"], refetchType: "none" });
      void qc.invalidateQueries({ queryKey: ["dashboard"] });
    },
  });

  const decide = useCallback(
    (review: TDecision) => {
      if (!clip) return;
      setDecided((d) => ({ ...d, [clip.id]: review }));
      setLast({ id: clip.id, title: clip.title, review });
      patch.mutate({ id: clip.id, body: { review } });
    },
    [clip, patch],
  );
  const toggleFavorite = useCallback(() => {
    if (!clip) return;
    const favorite = !clip.favorite;
    qc.setQueryData<TList>(FEED_KEY, (old) => old && { ...old, clips: old.clips.map((c) => (c.id === clip.id ? { ...c, favorite } : c)) });
    patch.mutate({ id: clip.id, body: { favorite } });
  }, [clip, patch, qc]);
  const undo = useCallback(() => {
    if (!last) return;
    setDecided(({ [last.id]: _, ...rest }) => rest);
    patch.mutate({ id: last.id, body: { review: "PENDING" } });
    setLast(null);
  }, [last, patch]);

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

  // Swipe: the card follows the finger; past SWIPE_PX it decides.
  const [dx, setDx] = useState(0);
  const start = useRef<{ x: number; y: number; id: number } | null>(null);
  const onPointerDown = (e: React.PointerEvent) => {
    if (e.pointerType === "mouse") return;
    start.current = { x: e.clientX, y: e.clientY, id: e.pointerId };
  };
  const onPointerMove = (e: React.PointerEvent) => {
    if (!start.current || start.current.id !== e.pointerId) return;
    const mx = e.clientX - start.current.x;
    if (Math.abs(mx) > Math.abs(e.clientY - start.current.y)) setDx(mx);
  };
  const onPointerEnd = () => {
    if (dx > SWIPE_PX) decide("APPROVED");
    else if (dx < -SWIPE_PX) decide("REJECTED");
    start.current = null;
    setDx(0);
  };

  if (error) return <p role="alert" className="p-6 text-sm text-red-300">{error.message}</p>;
  if (!data) return <p className="p-6 text-sm text-zinc-400">Loading…</p>;

  return (
    <main className="mx-auto flex max-w-xl flex-col px-4 pb-32 pt-4 sm:pb-8">
      <div className="flex items-baseline justify-between">
        <h1 className="text-lg font-semibold">Review</h1>
        <p className="text-sm text-zinc-400" data-testid="review-remaining" aria-live="polite">
          {queue.length === 1 ? "1 clip to review" : `${queue.length} clips to review`}
        </p>
      </div>

      {last && (
        <div className="mt-3 flex items-center justify-between gap-3 rounded-lg bg-zinc-900 px-3 py-2 text-sm" role="status">
          <span className="truncate text-zinc-300">
            {last.review === "APPROVED" ? "Approved" : "Rejected"} “{last.title}”
          </span>
          <button className="shrink-0 font-medium text-rose-400 hover:text-rose-300" onClick={undo}>
            Undo
          </button>
        </div>
      )}
      {failure && <p role="alert" className="mt-3 text-sm text-red-300">{failure}</p>}

      {clip ? (
        <article
          key={clip.id}
          aria-label={`Reviewing: ${clip.title}`}
          data-testid="review-card"
          data-clip-id={clip.id}
          className="card mt-3 touch-pan-y select-none overflow-hidden"
          style={{ transform: dx ? `translateX(${dx}px) rotate(${dx / 40}deg)` : undefined, transition: dx ? "none" : "transform 150ms" }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerEnd}
          onPointerCancel={onPointerEnd}
        >
          <div className="relative bg-black">
            <video
              src={clip.videoUrl ?? undefined}
              poster={clip.thumbUrl ?? undefined}
              controls
              autoPlay
              muted
              loop
              playsInline
              className="aspect-video w-full"
            />
            {dx !== 0 && (
              <span
                className={`absolute top-3 rounded-md px-2 py-1 text-sm font-bold ${dx > 0 ? "left-3 bg-emerald-500 text-emerald-950" : "right-3 bg-red-500 text-white"}`}
                style={{ opacity: Math.min(1, Math.abs(dx) / SWIPE_PX) }}
              >
                {dx > 0 ? "APPROVE" : "REJECT"}
              </span>
            )}
          </div>
          <div className="space-y-2 p-4">
            <div className="flex items-start justify-between gap-3">
              <h2 className="text-base font-semibold leading-snug">{clip.title}</h2>
              <span className="shrink-0 rounded bg-rose-500 px-2 py-0.5 text-sm font-semibold text-white" title="Score">
                {clip.score}
              </span>
            </div>
            <p className="text-sm text-zinc-400">
              {clip.streamer.name} · at {formatClock(clip.startTime)} · {formatClock(clip.duration)} long
            </p>
            <p className="text-sm text-zinc-300">{clip.reason}</p>
            <Link href={`/clips/${clip.id}`} className="inline-block text-sm text-zinc-400 underline-offset-2 hover:underline">
              Open clip page
            </Link>
          </div>
        </article>
      ) : (
        <div className="card mt-3 p-8 text-center" data-testid="review-empty">
          <p className="font-medium">All caught up</p>
          <p className="mt-1 text-sm text-zinc-400">New clips show up here on their own while your streams are live.</p>
          <Link href="/clips?review=APPROVED" className="btn-ghost mt-4">
            See approved clips
          </Link>
        </div>
      )}

      {clip && (
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
              aria-pressed={clip.favorite}
              className="flex h-14 items-center justify-center gap-2 rounded-xl border border-amber-400/40 bg-amber-400/10 text-base font-semibold text-amber-200 active:bg-amber-400/25 aria-pressed:bg-amber-400 aria-pressed:text-amber-950"
            >
              <span aria-hidden>{clip.favorite ? "★" : "☆"}</span> Favourite
            </button>
            <button
              onClick={() => decide("APPROVED")}
              className="flex h-14 items-center justify-center gap-2 rounded-xl bg-emerald-500 text-base font-semibold text-emerald-950 active:bg-emerald-400"
            >
              <span aria-hidden>✓</span> Approve
            </button>
          </div>
          <p className="mt-3 hidden text-center text-xs text-zinc-500 sm:block">
            Keys: <kbd className="rounded bg-zinc-800 px-1">A</kbd> / <kbd className="rounded bg-zinc-800 px-1">→</kbd> approve ·{" "}
            <kbd className="rounded bg-zinc-800 px-1">R</kbd> / <kbd className="rounded bg-zinc-800 px-1">←</kbd> reject ·{" "}
            <kbd className="rounded bg-zinc-800 px-1">F</kbd> favourite · <kbd className="rounded bg-zinc-800 px-1">U</kbd> undo
          </p>
        </div>
      )}
    </main>
  );
}
