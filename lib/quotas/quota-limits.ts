import { env } from "@/lib/env";

export type TQuotaLimits = { streamers: number; recordings: number; storageBytes: number };

/** The operator's per-account quotas (QUOTA_*), 0 meaning no limit, as numbers to compare against (Infinity). */
export function quotaLimits(): TQuotaLimits {
  const limit = (n: number) => (n > 0 ? n : Infinity);
  return {
    streamers: limit(env.QUOTA_STREAMERS),
    recordings: limit(env.QUOTA_RECORDINGS),
    storageBytes: limit(Math.round(env.QUOTA_STORAGE_GB * 1e9)),
  };
}
