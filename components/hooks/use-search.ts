import { useQuery } from "@tanstack/react-query";
import type { TSearchResult } from "@/lib/search/search-library";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";

/** GET /api/search: transcripts and clip titles; asks nothing for fewer than 2 characters. */
export function useSearch(q: string) {
  return useQuery({
    queryKey: queryKeys.search(q),
    queryFn: () => apiFetch<TSearchResult>(`/api/search?q=${encodeURIComponent(q)}`),
    enabled: q.trim().length >= 2,
  });
}
