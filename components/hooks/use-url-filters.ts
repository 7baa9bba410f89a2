import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";

/**
 * Filters kept in the page's URL (shareable, the back button works). Local state is the source of truth, so quick
 * successive changes never read a stale URL; the URL mirrors it. Picking another streamer drops the session.
 */
export function useUrlFilters<K extends string>(keys: readonly K[]) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  type TFilters = Partial<Record<K, string>>;
  const [filters, setFilters] = useState<TFilters>(
    () => Object.fromEntries(keys.flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : []))) as TFilters,
  );
  const mirror = (next: TFilters) => {
    const search = new URLSearchParams(next as Record<string, string>).toString();
    router.replace(`${pathname}${search ? `?${search}` : ""}`, { scroll: false });
  };
  const set = (k: K, v: string) => {
    const next: TFilters = { ...filters, [k]: v || undefined };
    if (k === "streamerId") delete next["sessionId" as K];
    for (const key of keys) if (!next[key]) delete next[key];
    setFilters(next);
    mirror(next);
  };
  const clear = () => {
    setFilters({});
    mirror({});
  };
  return { filters, set, clear };
}

/** The look of a filter bar's labels and fields (gallery, analytics). */
export const filterLabel = "block text-xs font-medium text-zinc-400";
export const filterField =
  "mt-1 block h-10 w-full rounded-lg border border-zinc-700 bg-zinc-900 px-2.5 text-sm text-zinc-100 focus:border-rose-500 focus:outline-none";
