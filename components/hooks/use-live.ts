import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TClipDto } from "@/lib/clips/clips";
import type { TLiveEdgeDto } from "@/lib/live-view/live-buffer";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";

/**
 * GET /api/sessions/[id]/live, polled every 2 s while `enabled` (the session records). `null` while the
 * session has no live buffer yet (404), so the page can wait for it instead of showing an error.
 */
export function useLiveEdge(sessionId: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.live(sessionId),
    enabled,
    queryFn: async (): Promise<TLiveEdgeDto | null> => {
      const res = await fetch(`/api/sessions/${sessionId}/live`, { cache: "no-store" });
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`Live edge request failed (${res.status})`);
      return ((await res.json()) as { live: TLiveEdgeDto }).live;
    },
    refetchInterval: enabled ? 2_000 : false,
  });
}

/** POST /api/sessions/[id]/clips { last, at? }: "Clip that", the last `last` seconds ending where the viewer is. */
export function useClipThat(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { last: number; at?: number }) =>
      apiFetch<{ clip: TClipDto }>(`/api/sessions/${sessionId}/clips`, { method: "POST", body: JSON.stringify(body) }),
    onSuccess: ({ clip }) => {
      qc.setQueryData(queryKeys.clip(clip.id), { clip });
      return qc.invalidateQueries({ queryKey: queryKeys.session(sessionId) });
    },
  });
}

/** GET /api/clips/[id] every 0.5 s until a just-pressed clip is READY or failed (the press → playable wait). */
export function useClipProgress(clipId: string | null) {
  return useQuery({
    queryKey: queryKeys.clip(clipId ?? ""),
    enabled: !!clipId,
    queryFn: () => apiFetch<{ clip: TClipDto }>(`/api/clips/${clipId}`),
    refetchInterval: (q) => {
      const s = q.state.data?.clip.status;
      return s === "READY" || s === "ERROR" ? false : 500;
    },
  });
}
