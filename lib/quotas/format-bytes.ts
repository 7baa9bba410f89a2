/** Bytes for people: "812 MB", "10.4 GB" (decimal units, as disks and the QUOTA_STORAGE_GB setting use). */
export function formatBytes(bytes: number): string {
  if (bytes < 1e6) return `${Math.round(bytes / 1e3)} kB`;
  if (bytes < 1e9) return `${Math.round(bytes / 1e6)} MB`;
  return `${(bytes / 1e9).toFixed(1)} GB`;
}
