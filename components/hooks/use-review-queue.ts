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
  // The clip on screen stays there until it is decided, whatever arrives meanwhile.
  const [shownId, setShownId] = useState<string | null>(null);

  const queue = orderReviewQueue(data?.clips ?? [], decided, shownId);
  const clip = queue[0] ?? null;
  // Derived state adjusted during render (React's documented pattern): the next clip becomes the pinned one.
  if (clip && clip.id !== shownId) setShownId(clip.id);

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
    patch.mutate({ id: clip.id, body: { favorite } });
  }, [clip, patch, qc]);
  const undo = useCallback(() => {
    if (!last) return;
    const { id } = last.clip;
    // Back on screen at once, even if a refetch since the decision has dropped it from the pending list.
    qc.setQueryData<TClipPage>(
      queryKeys.clips.reviewQueue(),
      (old) =>
        old && {
          ...old,
          clips: old.clips.some((c) => c.id === id)
            ? old.clips
            : [...old.clips, last.clip].sort(
                (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
              ),
        },
    );
    setDecided(({ [id]: _, ...rest }) => rest);
    setShownId(id);
    patch.mutate({ id, body: { review: "PENDING" } });
    setLast(null);
  }, [last, patch, qc]);

  return { data, error, queue, clip, last, failure, decide, toggleFavorite, undo };
}
