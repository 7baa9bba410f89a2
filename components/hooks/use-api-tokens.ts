import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TApiToken, TCreateToken } from "@/lib/api-tokens/tokens";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";

/** GET /api/tokens: the account's API tokens (never their secrets). */
export function useApiTokens() {
  return useQuery({
    queryKey: queryKeys.apiTokens(),
    queryFn: () => apiFetch<{ tokens: TApiToken[] }>("/api/tokens"),
  });
}

/** POST /api/tokens: the answer holds the secret, shown once. */
export function useCreateApiToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateToken) =>
      apiFetch<{ token: TApiToken; secret: string }>("/api/tokens", { method: "POST", body: JSON.stringify(body) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.apiTokens() }),
  });
}

/** DELETE /api/tokens/[id]. */
export function useRevokeApiToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<void>(`/api/tokens/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.apiTokens() }),
  });
}
