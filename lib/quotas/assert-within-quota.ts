import { AppError } from "@/lib/http/errors";
import { getAccountUsage } from "./get-account-usage";
import { quotaLimits, type TQuotaLimits } from "./quota-limits";
import { storageFullMessage } from "./storage-full-message";

/**
 * Before a request that adds to the account: a streamer (`streamers`), or stored media, a clip, trim or export
 * (`storage`). Past the operator's quota → 403 `quota_exceeded` saying which, with the numbers.
 */
export async function assertWithinQuota(
  userId: string,
  what: "streamers" | "storage",
  limits: TQuotaLimits = quotaLimits(),
): Promise<void> {
  if (limits[what === "streamers" ? "streamers" : "storageBytes"] === Infinity) return;
  const usage = await getAccountUsage(userId);
  if (what === "streamers" && usage.streamers >= limits.streamers) {
    throw new AppError(
      "quota_exceeded",
      `This account has ${usage.streamers} streamers, the most this server allows: remove one to add another.`,
    );
  }
  if (what === "storage" && usage.storageBytes >= limits.storageBytes) {
    throw new AppError("quota_exceeded", storageFullMessage(usage.storageBytes, limits.storageBytes));
  }
}
