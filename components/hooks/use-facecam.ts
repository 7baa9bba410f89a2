import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/query-client";
import type { TFacecamBox } from "@/lib/studio/reframe/facecam-box";
import { queryKeys } from "./query-keys";

export type TFacecam = { facecamBox: TFacecamBox | null; frame: { url: string; clipId: string } | null };

/** GET /api/streamers/[id]/facecam: the box and a still frame of the stream to draw it on. */
export function useFacecam(streamerId: string) {
  return useQuery({
    queryKey: queryKeys.facecam(streamerId),
    queryFn: () => apiFetch<TFacecam>(`/api/streamers/${streamerId}/facecam`),
    refetchOnWindowFocus: false,
  });
}

/** PUT (a box) or DELETE (null) /api/streamers/[id]/facecam. */
export function useSetFacecam(streamerId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (box: TFacecamBox | null) =>
      apiFetch<{ facecamBox: TFacecamBox | null }>(`/api/streamers/${streamerId}/facecam`, {
        method: box ? "PUT" : "DELETE",
        body: box ? JSON.stringify(box) : undefined,
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.facecam(streamerId) }),
  });
}
