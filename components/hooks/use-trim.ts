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

type TPreview = { window: TRange } & ({ status: "ready"; url: string } | { status: "rendering" });

/**
 * GET /api/clips/[id]/preview: a cached low-resolution proxy of `window`. The first ask queues its render (202):
 * asked again every second until it is stored; `data` is set only once it is ready.
 */
export function useTrimPreview(clipId: string, window: TRange | undefined, enabled: boolean) {
  const q = useQuery({
    queryKey: queryKeys.preview(clipId, window?.start, window?.end),
    queryFn: () => apiFetch<TPreview>(`/api/clips/${clipId}/preview`),
    enabled,
    staleTime: Infinity,
    refetchInterval: (query) => (query.state.data?.status === "rendering" ? 1_000 : false),
  });
  return { data: q.data?.status === "ready" ? q.data : undefined, error: q.error };
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
