import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { TAnalytics } from "@/lib/analytics/analytics";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";

/** GET /api/analytics?… (the query string holds from, to, streamerId, sessionId, tz). */
export function useAnalytics(qs: string) {
  return useQuery({
    queryKey: queryKeys.analytics(qs),
    queryFn: () => apiFetch<TAnalytics>(`/api/analytics?${qs}`),
    placeholderData: keepPreviousData,
  });
}
