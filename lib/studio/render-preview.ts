import { prisma } from "@/lib/db";
import { previewKeys } from "./preview-keys";
import { renderRange } from "./render-range";

/** The render-preview function's work: renders the ClipPreview row's window as a ≤360p proxy and marks it READY. */
export async function renderPreview(previewId: string): Promise<{ duration: number } | null> {
  const row = await prisma.clipPreview.findUnique({
    where: { id: previewId },
    select: { clipId: true, startMs: true, endMs: true, clip: { select: { sessionId: true } } },
  });
  if (!row) return null; // the clip was deleted meanwhile
  const { video, thumb } = previewKeys(row.clipId, row.startMs, row.endMs);
  const r = await renderRange({
    sessionId: row.clip.sessionId,
    start: row.startMs / 1000,
    end: row.endMs / 1000,
    videoKey: video,
    thumbKey: thumb,
    proxy: true,
    waitSeconds: 0, // the window is stored recording (getClipWindow): nothing to wait for
  });
  await prisma.clipPreview.update({ where: { id: previewId }, data: { status: "READY", error: null } });
  return r;
}

/** onFailure: the editor shows the reason; a later request retries (up to requestClipPreview's bound). */
export async function failPreview(previewId: string, message: string): Promise<void> {
  await prisma.clipPreview.updateMany({
    where: { id: previewId },
    data: { status: "ERROR", error: message.slice(0, 300) },
  });
}
