import { storageKeys } from "@/lib/storage";

/**
 * Where a clip's preview proxy of the window [startMs, endMs] (stream time) is stored. A cache: retention
 * deletes it after a day, or with the recording it copies (lib/retention/purge-preview-proxies.ts).
 */
export function previewKeys(clipId: string, startMs: number, endMs: number) {
  return {
    video: storageKeys.clipPreviewProxy(clipId, startMs, endMs, "mp4"),
    thumb: storageKeys.clipPreviewProxy(clipId, startMs, endMs, "jpg"),
  };
}
