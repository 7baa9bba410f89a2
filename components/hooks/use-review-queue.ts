import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import type { TClipDto } from "@/lib/clips/clips";
import { apiFetch } from "@/lib/query-client";
import type { TClipPage } from "./use-clips";
import { orderReviewQueue } from "./order-review-queue";
import { queryKeys } from "./query-keys";
import { usePollMs } from "./use-push-status";

export type TReviewDecision = "APPROVED" | "REJECTED";
type TPatch = { id: string; body: { review?: TReviewDecision | "PENDING"; favorite?: boolean } };

/**
 * The review queue (pending, rendered clips, pushed, or polled every 4 s without the push channel, so new ones arrive live) and its decisions.
 * Decisions apply optimistically: a decided clip leaves the queue at once and comes back if the PATCH fails;
 * `undo` puts the last decided clip back to pending.
 */
export function useReviewQueue() {
  const qc = useQueryClient();
  const every = usePollMs(4_000);
  const { data, error } = useQuery({
    queryKey: queryKeys.clips.reviewQueue(),
    queryFn: () => apiFetch<TClipPage>("/api/clips?review=PENDING&render=READY&limit=50"),
    refetchInterval: every,
  });
  // Decided locally but maybe not yet confirmed by a refetch: hidden from the queue right away.
  const [decided, setDecided] = useState<Record<string, TReviewDecision>>({});
  const [last, setLast] = useState<{ clip: TClipDto; review: TReviewDecision } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  // Put back by Undo: shown even while a fetch that started before the undo still leaves them out.
  const [restored, setRestored] = useState<Record<string, TClipDto>>({});
  // The clip on screen stays there until it is decided, whatever arrives meanwhile.
  const [shownId, setShownId] = useState<string | null>(null);

  const queue = orderReviewQueue(data?.clips ?? [], Object.values(restored), decided, shownId);
  const clip = queue[0] ?? null;
  // Derived state adjusted during render (React's documented pattern): once the pinned clip is decided, the
  // next one is pinned. A pinned clip a fetch left out for a moment keeps its place for when it is back.
  if (clip && shownId === null) setShownId(clip.id);

  const patch = useMutation({
    mutationFn: (v: TPatch) =>
      apiFetch<{ clip: TClipDto }>(`/api/clips/${v.id}`, { method: "PATCH", body: JSON.stringify(v.body) }),
    onError: (err, v) => {
      setFailure(err.message);
      if (v.body.review) setDecided(({ [v.id]: _, ...rest }) => rest);
      void qc.invalidateQueries({ queryKey: queryKeys.clips.reviewQueue() });
    },
    onSuccess: () => {
      setFailure(null);
      void qc.invalidateQueries({ queryKey: queryKeys.clips.all(), refetchType: "none" });
      void qc.invalidateQueries({ queryKey: queryKeys.dashboard() });
    },
  });

  const decide = useCallback(
    (review: TReviewDecision) => {
      if (!clip) return;
      setDecided((d) => ({ ...d, [clip.id]: review }));
      setRestored(({ [clip.id]: _, ...rest }) => rest);
      setShownId(null);
      setLast({ clip, review });
      patch.mutate({ id: clip.id, body: { review } });
    },
    [clip, patch],
  );
  const toggleFavorite = useCallback(() => {
    if (!clip) return;
    const favorite = !clip.favorite;
    qc.setQueryData<TClipPage>(
      queryKeys.clips.reviewQueue(),
      (old) => old && { ...old, clips: old.clips.map((c) => (c.id === clip.id ? { ...c, favorite } : c)) },
    );
    setRestored((r) => (r[clip.id] ? { ...r, [clip.id]: { ...r[clip.id], favorite } } : r));
    patch.mutate({ id: clip.id, body: { favorite } });
  }, [clip, patch, qc]);
  const undo = useCallback(() => {
    if (!last) return;
    const { id } = last.clip;
    // Back on screen at once, even if a refetch since the decision has dropped it from the pending list.
    setRestored((r) => ({ ...r, [id]: last.clip }));
    setDecided(({ [id]: _, ...rest }) => rest);
    setShownId(id);
    patch.mutate({ id, body: { review: "PENDING" } });
    setLast(null);
  }, [last, patch]);

  return { data, error, queue, clip, last, failure, decide, toggleFavorite, undo };
}
