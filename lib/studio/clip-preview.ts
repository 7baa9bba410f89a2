import "server-only";
import { previewRequested } from "@/inngest/events";
import { inngest } from "@/inngest/client";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { mediaUrl } from "@/lib/media-url";
import { getStore } from "@/lib/storage";
import { getClipWindow } from "./clip-window";
import { previewKeys } from "./preview-keys";

type TRange = { start: number; end: number };
export type TClipPreview = { window: TRange } & ({ status: "ready"; url: string } | { status: "rendering" });

/** A window whose renders failed this many times answers 409 instead of queueing another. */
const MAX_ATTEMPTS = 3;

/**
 * GET /api/clips/[id]/preview: the trim editor's live preview, the whole window as a low-resolution proxy
 * (ultrafast, ≤360p) so the browser can seek and loop any range inside it at once. Stored → ready. Otherwise
 * the render-preview function renders it, outside the web request and under the per-account media limits; one
 * ClipPreview row per window and an event id per attempt mean that concurrent or repeated requests (the editor
 * polls) queue one render.
 */
export async function requestClipPreview(userId: string, clipId: string): Promise<TClipPreview> {
  const { window, stored } = await getClipWindow(userId, clipId);
  if (!stored) throw new AppError("conflict", "The recording of this session is no longer stored.");
  const startMs = Math.round(window.start * 1000);
  const endMs = Math.round(window.end * 1000);
  const { video } = previewKeys(clipId, startMs, endMs);
  if (await getStore().stat(video)) return { window, status: "ready", url: mediaUrl(video)! };

  const where = { clipId_startMs_endMs: { clipId, startMs, endMs } };
  // ON CONFLICT DO NOTHING, then read: concurrent first requests cannot fail on the unique key.
  await prisma.clipPreview.createMany({ data: [{ userId, clipId, startMs, endMs }], skipDuplicates: true });
  let row = await prisma.clipPreview.findUniqueOrThrow({ where });
  if (row.status === "ERROR" && row.attempts >= MAX_ATTEMPTS) {
    throw new AppError("conflict", `The preview could not be rendered (${row.error ?? "unknown error"}).`);
  }
  if (row.status !== "RENDERING") {
    // Failed before, or READY but its file is gone (retention): another attempt, unless a concurrent request
    // has just started one (the update matches the row as read, or nothing).
    await prisma.clipPreview.updateMany({
      where: { id: row.id, status: row.status, attempts: row.attempts },
      data: { status: "RENDERING", attempts: { increment: 1 }, error: null },
    });
    row = await prisma.clipPreview.findUniqueOrThrow({ where: { id: row.id } });
  }
  await inngest.send(
    previewRequested.create({ previewId: row.id, userId }, { id: `preview-${row.id}-${row.attempts}` }),
  );
  return { window, status: "rendering" };
}
