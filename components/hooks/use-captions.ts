import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";

export type TCue = { start: number; end: number; text: string };
/** A cue as the API gives it: with the transcript's word times while it has them. */
type TCaptions = {
  edited: boolean;
  duration: number;
  cues: (TCue & { words?: { w: string; s: number; e: number }[] })[];
};

/** GET /api/clips/[id]/captions for one version (range) of the clip. */
export function useCaptions(clipId: string, version: string) {
  return useQuery({
    queryKey: queryKeys.captions.version(clipId, version),
    queryFn: () => apiFetch<TCaptions>(`/api/clips/${clipId}/captions`),
  });
}

/** PUT /api/clips/[id]/captions: edited cues; the answer replaces the cached captions. */
export function useSaveCaptions(clipId: string, version: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (cues: TCue[]) =>
      apiFetch<TCaptions>(`/api/clips/${clipId}/captions`, { method: "PUT", body: JSON.stringify({ cues }) }),
    onSuccess: (r) => qc.setQueryData(queryKeys.captions.version(clipId, version), r),
  });
}

/** DELETE /api/clips/[id]/captions: back to the cues from the transcript. */
export function useResetCaptions(clipId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch(`/api/clips/${clipId}/captions`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.captions.all(clipId) }),
  });
}
