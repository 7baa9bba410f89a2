import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";

/** POST /api/segments/[id]/retry: runs a failed segment through the pipeline again. */
export function useRetrySegment(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch(`/api/segments/${id}/retry`, { method: "POST" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.dashboard() }),
  });
}

/** POST /api/segments/[id]/redetect: finds the segment's clips again with the streamer's current settings. */
export function useRedetectSegment(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch(`/api/segments/${id}/redetect`, { method: "POST", body: "{}" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.dashboard() }),
  });
}
