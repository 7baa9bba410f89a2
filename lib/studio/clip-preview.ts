import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { mediaUrl } from "@/lib/media-url";
import { getStore, storageKeys } from "@/lib/storage";
import { getClipWaveform } from "./clip-waveform";
import { renderRange } from "./render-range";

/**
 * The trim editor's live preview: the whole waveform window as a low-resolution proxy (ultrafast, ≤360p),
 * rendered once per window and cached, so the browser can seek and loop any range inside it at once. Retention
 * deletes the cache after a day, or with the recording it copies (lib/retention/purge-preview-proxies.ts).
 */
export async function getClipPreview(userId: string, clipId: string) {
  const { window, stored } = await getClipWaveform(userId, clipId);
  if (!stored) throw new AppError("conflict", "The recording of this session is no longer stored.");
  const clip = await prisma.clip.findFirstOrThrow({ where: { id: clipId, userId }, select: { sessionId: true } });
  const ms = (t: number) => Math.round(t * 1000);
  const videoKey = storageKeys.clipPreviewProxy(clipId, ms(window.start), ms(window.end), "mp4");
  if (!(await getStore().stat(videoKey))) {
    await renderRange({
      sessionId: clip.sessionId,
      start: window.start,
      end: window.end,
      videoKey,
      thumbKey: storageKeys.clipPreviewProxy(clipId, ms(window.start), ms(window.end), "jpg"),
      proxy: true,
      waitSeconds: 0, // a page request: what is stored now, or an error
    });
  }
  return { window, url: mediaUrl(videoKey)! };
}
