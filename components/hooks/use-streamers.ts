import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";

type TStreamerSettings = {
  minClipSeconds: number;
  maxClipSeconds: number;
  minScore: number;
  keywords: string[];
  customPrompt: string;
  recordOutput?: "copy" | "mp4" | "webm" | "av1";
  recordQuality?: "low" | "medium" | "high";
  notify?: boolean;
};
export type TIngress = { ingressId: string; type: "rtmp" | "whip"; url: string; streamKey: string };

/** POST /api/streamers; the dashboard lists the new streamer. */
export function useAddStreamer({ onSuccess }: { onSuccess?: () => void } = {}) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { source: string; name?: string }) =>
      apiFetch("/api/streamers", { method: "POST", body: JSON.stringify(body) }),
    onSuccess: () => {
      onSuccess?.();
      void qc.invalidateQueries({ queryKey: queryKeys.dashboard() });
    },
  });
}

/** PATCH /api/streamers/[id] with the clip settings. */
export function useUpdateStreamer(id: string, { onSuccess }: { onSuccess?: () => void } = {}) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TStreamerSettings) =>
      apiFetch(`/api/streamers/${id}`, { method: "PATCH", body: JSON.stringify(body) }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.dashboard() });
      onSuccess?.();
    },
  });
}

/** PATCH /api/streamers/[id] { monitored }: off stops a recording in progress; on checks the stream at once. */
export function useSetWatching(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (monitored: boolean) =>
      apiFetch(`/api/streamers/${id}`, { method: "PATCH", body: JSON.stringify({ monitored }) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.dashboard() }),
  });
}

/** DELETE /api/streamers/[id]?clips=keep|delete; settles once the dashboard has refetched. */
export function useRemoveStreamer(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (clips: "keep" | "delete") => apiFetch(`/api/streamers/${id}?clips=${clips}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.dashboard() }),
  });
}

/** POST /api/streamers/[id]/ingress: an RTMP or WHIP ingress into a LiveKit room streamer's room (key shown once). */
export function useCreateIngress(streamerId: string) {
  return useMutation({
    mutationFn: (type: TIngress["type"]) =>
      apiFetch<{ ingress: TIngress }>(`/api/streamers/${streamerId}/ingress`, {
        method: "POST",
        body: JSON.stringify({ type }),
      }).then((r) => r.ingress),
  });
}

/** POST (start now) or DELETE (stop) /api/streamers/[id]/recording; settles once the dashboard has refetched. */
export function useRecordingControl(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (action: "start" | "stop") =>
      apiFetch(`/api/streamers/${id}/recording`, { method: action === "start" ? "POST" : "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.dashboard() }),
  });
}

/** DELETE /api/sessions/[id]/recording: stops one session's recording (a replay); settles after the refetch. */
/** Starts again a replay whose start failed (same session and source). */
export function useRetryReplay(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch(`/api/sessions/${sessionId}/replay`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.dashboard() }),
  });
}

export function useStopSession(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch(`/api/sessions/${sessionId}/recording`, { method: "DELETE" }),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.dashboard() }),
  });
}
