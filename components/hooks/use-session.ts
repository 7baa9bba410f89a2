import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TClipDto } from "@/lib/clips/clips";
import type { TSessionView } from "@/lib/studio/session-view";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";
import { usePollMs } from "./use-push-status";

/** GET /api/sessions/[id], pushed, and polled while the session records or one of its clips renders. */
export function useSession(id: string) {
  const every = usePollMs(2_000);
  return useQuery({
    queryKey: queryKeys.session(id),
    queryFn: () => apiFetch<TSessionView>(`/api/sessions/${id}`),
    refetchInterval: (x) =>
      x.state.data?.session.status === "RECORDING" ||
      x.state.data?.clips.some((c) => c.status === "PENDING" || c.status === "RENDERING")
        ? every
        : false,
  });
}

/** POST /api/sessions/[id]/clips: a manual clip of a range; settles once the session has refetched. */
export function useCutClip(sessionId: string, { onSuccess }: { onSuccess?: () => void } = {}) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { start: number; end: number; title?: string }) =>
      apiFetch<{ clip: TClipDto }>(`/api/sessions/${sessionId}/clips`, { method: "POST", body: JSON.stringify(body) }),
    onSuccess: () => {
      onSuccess?.();
      return qc.invalidateQueries({ queryKey: queryKeys.session(sessionId) });
    },
  });
}
