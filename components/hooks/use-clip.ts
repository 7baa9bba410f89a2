import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TClipDto } from "@/lib/clips/clips";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";
import { usePollMs } from "./use-push-status";

/** GET /api/clips/[id], pushed, and polled while the clip renders or a trim is pending. */
export function useClip(id: string) {
  const every = usePollMs(2_000);
  return useQuery({
    queryKey: queryKeys.clip(id),
    queryFn: () => apiFetch<{ clip: TClipDto }>(`/api/clips/${id}`),
    refetchInterval: (q) =>
      q.state.data?.clip.trim || !(q.state.data?.clip.status === "READY" || q.state.data?.clip.status === "ERROR")
        ? every
        : false,
  });
}

/** POST /api/clips/[id]/share: a public link; `onSuccess` runs once the clip shows it. */
export function useShareClip(
  id: string,
  { onSuccess }: { onSuccess?: (r: { url: string }) => Promise<unknown> | void } = {},
) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ url: string }>(`/api/clips/${id}/share`, { method: "POST" }),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: queryKeys.clip(id) });
      await onSuccess?.(r);
    },
  });
}

/** DELETE /api/clips/[id]/share: the public link answers 404 from now on. */
export function useUnshareClip(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch(`/api/clips/${id}/share`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.clip(id) }),
  });
}

/** POST /api/clips/[id]/retry: a clip whose render failed is rendered again. */
export function useRetryClip(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ clip: TClipDto }>(`/api/clips/${id}/retry`, { method: "POST", body: "{}" }),
    onSuccess: (r) => {
      qc.setQueryData(queryKeys.clip(id), r);
      void qc.invalidateQueries({ queryKey: queryKeys.clips.all() });
    },
  });
}

/** DELETE /api/clips/[id]: the clip and its files; `onSuccess` runs once lists are refreshed. */
export function useDeleteClip(id: string, { onSuccess }: { onSuccess?: () => void } = {}) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch(`/api/clips/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      qc.removeQueries({ queryKey: queryKeys.clip(id) });
      void qc.invalidateQueries({ queryKey: queryKeys.clips.all() });
      void qc.invalidateQueries({ queryKey: queryKeys.dashboard() });
      onSuccess?.();
    },
  });
}
