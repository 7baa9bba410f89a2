import { useInfiniteQuery } from "@tanstack/react-query";
import type { TClipDto } from "@/lib/clips/clips";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./query-keys";
import { usePollMs } from "./use-push-status";

/** One page of GET /api/clips. */
export type TClipPage = { clips: TClipDto[]; nextCursor: string | null };

/** The gallery: GET /api/clips with `filters` (a query string), 24 a page, keyset cursors, pushed or polled for new clips. */
export function useClips(filters: string) {
  const every = usePollMs(5_000);
  return useInfiniteQuery({
    queryKey: queryKeys.clips.gallery(filters),
    queryFn: ({ pageParam }) =>
      apiFetch<TClipPage>(
        `/api/clips?limit=24${filters ? `&${filters}` : ""}${pageParam ? `&cursor=${pageParam}` : ""}`,
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: every,
  });
}
