import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TExportDto } from "@/lib/studio/exports";
import { apiFetch } from "@/lib/query-client";
import type { TExportChoice } from "../studio/export-panel";
import { queryKeys } from "./query-keys";

/** One clip's exports, or the exports of one batch by their ids. */
export type TExportsOf = { clipId: string } | { exportIds: string[] };

/** GET /api/exports, polled every second while any of them is queued or rendering. */
export function useExports(of: TExportsOf) {
  const [queryKey, query] =
    "clipId" in of
      ? [queryKeys.exports.clip(of.clipId), `clipId=${of.clipId}`]
      : [queryKeys.exports.batch(of.exportIds), `ids=${of.exportIds.join(",")}`];
  return useQuery({
    queryKey,
    queryFn: () => apiFetch<{ exports: TExportDto[] }>(`/api/exports?${query}`),
    refetchInterval: (x) =>
      x.state.data?.exports.some((e) => e.status === "PENDING" || e.status === "RENDERING") ? 1_000 : false,
  });
}

/** POST /api/exports: one export per clip; each clip's export list refetches (settles once it has). */
export function useCreateExports({ onSuccess }: { onSuccess?: (exports: TExportDto[]) => void } = {}) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { clipIds: string[] } & TExportChoice) =>
      apiFetch<{ exports: TExportDto[] }>("/api/exports", { method: "POST", body: JSON.stringify(body) }),
    onSuccess: (r, body) => {
      onSuccess?.(r.exports);
      return Promise.all(
        body.clipIds.map((clipId) => qc.invalidateQueries({ queryKey: queryKeys.exports.clip(clipId) })),
      );
    },
  });
}
