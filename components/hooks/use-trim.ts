import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TClipDto } from "@/lib/clips/clips";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";

type TRange = { start: number; end: number };
type TWaveform = { window: TRange; stored: boolean; peaks: (number | null)[] };

/** GET /api/clips/[id]/waveform: loudness peaks over the window around the clip's current range. */
export function useWaveform(clip: Pick<TClipDto, "id" | "startTime" | "endTime">) {
  return useQuery({
    queryKey: queryKeys.waveform(clip.id, clip.startTime, clip.endTime),
    queryFn: () => apiFetch<TWaveform>(`/api/clips/${clip.id}/waveform`),
  });
}

/** GET /api/clips/[id]/preview: a cached low-resolution proxy of `window` (rendered on first ask). */
export function useTrimPreview(clipId: string, window: TRange | undefined, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.preview(clipId, window?.start, window?.end),
    queryFn: () => apiFetch<{ window: TRange; url: string }>(`/api/clips/${clipId}/preview`),
    enabled,
    staleTime: Infinity,
  });
}

/** POST /api/clips/[id]/trim: the answer (clip with its pending trim) replaces the cached clip. */
export function useTrimClip(clipId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (range: TRange) =>
      apiFetch<{ clip: TClipDto }>(`/api/clips/${clipId}/trim`, { method: "POST", body: JSON.stringify(range) }),
    onSuccess: (r) => qc.setQueryData(queryKeys.clip(clipId), r),
  });
}
