import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TWebhookDelivery, TWebhookEndpoint } from "@/lib/outgoing-webhooks/endpoints";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";

const BASE = "/api/webhook-endpoints";

/** GET /api/webhook-endpoints (never the secrets). */
export function useWebhookEndpoints() {
  return useQuery({
    queryKey: queryKeys.webhookEndpoints(),
    queryFn: () => apiFetch<{ endpoints: TWebhookEndpoint[] }>(BASE),
  });
}

/** POST /api/webhook-endpoints: the answer holds the signing secret, shown once. */
export function useCreateWebhookEndpoint() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { url: string; description: string; events: string[] }) =>
      apiFetch<{ endpoint: TWebhookEndpoint; secret: string }>(BASE, { method: "POST", body: JSON.stringify(body) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.webhookEndpoints() }),
  });
}

/** PATCH, DELETE, POST …/secret and POST …/test of one endpoint. */
export function useWebhookEndpointActions(id: string) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: queryKeys.webhookEndpoints() });
  return {
    update: useMutation({
      mutationFn: (body: { enabled?: boolean; events?: string[] }) =>
        apiFetch<{ endpoint: TWebhookEndpoint }>(`${BASE}/${id}`, { method: "PATCH", body: JSON.stringify(body) }),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: () => apiFetch<void>(`${BASE}/${id}`, { method: "DELETE" }),
      onSuccess: refresh,
    }),
    rollSecret: useMutation({
      mutationFn: () => apiFetch<{ secret: string }>(`${BASE}/${id}/secret`, { method: "POST" }),
    }),
    sendTest: useMutation({
      mutationFn: () => apiFetch<{ deliveryId: string }>(`${BASE}/${id}/test`, { method: "POST" }),
      onSuccess: () => {
        void refresh();
        void qc.invalidateQueries({ queryKey: queryKeys.webhookDeliveries(id) });
      },
    }),
  };
}

/** GET …/deliveries while the log is open, refreshed every 3 s (attempts and retries land as they happen). */
export function useWebhookDeliveries(id: string, open: boolean) {
  return useQuery({
    queryKey: queryKeys.webhookDeliveries(id),
    queryFn: () => apiFetch<{ deliveries: TWebhookDelivery[] }>(`${BASE}/${id}/deliveries`),
    enabled: open,
    refetchInterval: open ? 3_000 : false,
  });
}
