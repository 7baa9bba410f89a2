import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";

type TSettings = { settings: { retentionHours: number } };

/** GET /api/settings: the account's settings (retention). */
export function useSettings() {
  return useQuery({ queryKey: queryKeys.settings(), queryFn: () => apiFetch<TSettings>("/api/settings") });
}

/** PATCH /api/settings; the answer replaces the cached settings. */
export function useSaveSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { retentionHours: number }) =>
      apiFetch<TSettings>("/api/settings", { method: "PATCH", body: JSON.stringify(body) }),
    onSuccess: (data) => qc.setQueryData(queryKeys.settings(), data),
  });
}
