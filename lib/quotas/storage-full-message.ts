import { formatBytes } from "./format-bytes";

/** What a user reads when the account's stored bytes reached QUOTA_STORAGE_GB. */
export function storageFullMessage(used: number, limit: number): string {
  return `This account's storage is full (${formatBytes(used)} of ${formatBytes(limit)}): delete clips or exports, or wait for old recordings to be purged.`;
}
