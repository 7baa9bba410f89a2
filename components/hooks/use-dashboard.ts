import { useQuery } from "@tanstack/react-query";
import type { TDashboard } from "@/lib/dashboard/get-dashboard";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";
import { usePollMs } from "./use-push-status";

/** Streamers, sessions with their latest segments and the latest clips (GET /api/dashboard), pushed or polled. */
export function useDashboard({ refetchInterval = 2_000 }: { refetchInterval?: number } = {}) {
  const every = usePollMs(refetchInterval);
  return useQuery({
    queryKey: queryKeys.dashboard(),
    queryFn: () => apiFetch<TDashboard>("/api/dashboard"),
    refetchInterval: every,
  });
}
