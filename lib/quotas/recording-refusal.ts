import { storageFullMessage } from "./storage-full-message";
import { getAccountUsage } from "./get-account-usage";
import { quotaLimits, type TQuotaLimits } from "./quota-limits";

/**
 * Why a stream that went live must not be recorded for this account, or null: the account already records as
 * many streams as the operator allows at once, or its storage is full. The streamer shows the reason, and the
 * next poll tries again (a recording that ends, or space freed, lets it start).
 */
export async function recordingRefusal(userId: string, limits: TQuotaLimits = quotaLimits()): Promise<string | null> {
  if (limits.recordings === Infinity && limits.storageBytes === Infinity) return null;
  const usage = await getAccountUsage(userId);
  if (usage.recordings >= limits.recordings) {
    const n = usage.recordings === 1 ? "1 stream" : `${usage.recordings} streams`;
    return `Live, not recorded: this account already records ${n} at once, the most this server allows.`;
  }
  if (usage.storageBytes >= limits.storageBytes) {
    return `Live, not recorded: ${storageFullMessage(usage.storageBytes, limits.storageBytes)}`;
  }
  return null;
}
