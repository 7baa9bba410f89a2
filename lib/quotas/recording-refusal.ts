import { storageFullMessage } from "./storage-full-message";
import { getAccountUsage } from "./get-account-usage";
import { quotaLimits, type TQuotaLimits } from "./quota-limits";

/**
 * Why this account may not start another recording, or null: it already records as many streams as the
 * operator allows at once, or its storage is full. A live stream's check shows it on the streamer as "Live,
 * not recorded: …" and the next poll tries again (a recording that ends, or space freed, lets it start); a
 * replay's start answers 403 with it.
 */
export async function recordingRefusal(userId: string, limits: TQuotaLimits = quotaLimits()): Promise<string | null> {
  if (limits.recordings === Infinity && limits.storageBytes === Infinity) return null;
  const usage = await getAccountUsage(userId);
  if (usage.recordings >= limits.recordings) {
    const n = usage.recordings === 1 ? "1 stream" : `${usage.recordings} streams`;
    return `this account already records ${n} at once, the most this server allows.`;
  }
  if (usage.storageBytes >= limits.storageBytes) {
    return storageFullMessage(usage.storageBytes, limits.storageBytes);
  }
  return null;
}
