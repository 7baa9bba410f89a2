import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { probeMedia } from "@/lib/media";
import { runFfmpegWithProgress } from "@/lib/media/run-with-progress";
import { mediaUrl } from "@/lib/media-url";
import { withWorkdir } from "@/lib/pipeline/workdir";
import { getStore, storageKeys } from "@/lib/storage";
import type { ClipExport } from "@/generated/prisma/client";
import { toAss } from "./caption-ass";
import { CAPTION_FONTS, CAPTION_STYLES, captionStyle, DEFAULT_CAPTION_STYLE, ZCaptionStyleId } from "./caption-styles";
import { getCaptions, toSrt } from "./captions";
import {
  EXPORT_PRESETS,
  LAYOUT_IDS,
  layoutFilter,
  PRESET_IDS,
  presetLengthProblem,
  type TExportLayout,
  type TExportPreset,
} from "./export-presets";
import { checkExportLayout } from "./reframe/check-export-layout";
import { prepareReframe } from "./reframe/prepare-reframe";

export const ZExportRequest = z
  .object({
    clipIds: z.array(z.string().min(1).max(64)).min(1).max(50),
    preset: z.enum(PRESET_IDS),
    layout: z.enum(LAYOUT_IDS).default("blur"),
    captions: z.boolean().default(true),
    captionStyle: ZCaptionStyleId.default(DEFAULT_CAPTION_STYLE),
  })
  .strict();

export const ZExportIds = z.object({
  ids: z
    .string()
    .min(1)
    .max(64 * 50 + 49)
    .transform((s) => [...new Set(s.split(","))])
    .pipe(z.array(z.string().min(1).max(64)).max(50)),
});

export const exportCaptionsKey = (exportId: string) => `exports/${exportId}/captions.srt`;
const srtKey = exportCaptionsKey;

export function toExportDto(e: ClipExport & { clip: { title: string } }) {
  const p = EXPORT_PRESETS[e.preset as TExportPreset];
  return {
    id: e.id,
    clipId: e.clipId,
    clipTitle: e.clip.title,
    preset: e.preset,
    presetLabel: p?.label ?? e.preset,
    layout: e.layout,
    captions: e.captions,
    captionStyle: e.captionStyle,
    captionStyleLabel: CAPTION_STYLES[e.captionStyle as keyof typeof CAPTION_STYLES]?.label ?? e.captionStyle,
    status: e.status,
    progress: e.status === "READY" ? 1 : e.progress,
    width: e.width,
    height: e.height,
    duration: e.duration,
    /** The follow layout: the crop window's largest speed, source px/s. */
    cropMaxSpeed: e.cropMaxSpeed,
    error: e.status === "ERROR" ? "The export failed. Try again." : null,
    url: e.status === "READY" ? mediaUrl(e.outputKey) : null,
    captionsUrl: e.status === "READY" && e.captions ? mediaUrl(srtKey(e.id)) : null,
    createdAt: e.createdAt.toISOString(),
  };
}
export type TExportDto = ReturnType<typeof toExportDto>;

/** Creates one PENDING export per clip, after checking every clip (owned, rendered, within the preset's limit). */
export async function createExports(userId: string, input: z.infer<typeof ZExportRequest>) {
  const ids = [...new Set(input.clipIds)];
  const clips = await prisma.clip.findMany({
    where: { id: { in: ids }, userId },
    select: { id: true, title: true, status: true, startTime: true, endTime: true, duration: true },
  });
  if (clips.length !== ids.length) throw new AppError("not_found", "Clip not found.");
  for (const c of ids.map((id) => clips.find((x) => x.id === id)!)) {
    if (c.status !== "READY")
      throw new AppError("conflict", `"${c.title}" is still rendering; export it when it is ready.`);
    const seconds = c.duration ?? c.endTime - c.startTime;
    const problem = presetLengthProblem(input.preset, seconds);
    if (problem)
      throw new AppError("invalid_input", `"${c.title}" is ${seconds.toFixed(1)} s long; ${problem}. Trim it first.`);
  }
  await checkExportLayout(userId, input.layout, input.preset, ids);
  const created = await prisma.$transaction(
    ids.map((clipId) =>
      prisma.clipExport.create({
        data: {
          userId,
          clipId,
          preset: input.preset,
          layout: input.layout,
          captions: input.captions,
          captionStyle: input.captionStyle,
        },
        include: { clip: { select: { title: true } } },
      }),
    ),
  );
  return created.map(toExportDto);
}

export async function listExports(userId: string, q: { ids?: string[]; clipId?: string }) {
  const rows = await prisma.clipExport.findMany({
    where: { userId, ...(q.ids ? { id: { in: q.ids } } : {}), ...(q.clipId ? { clipId: q.clipId } : {}) },
    include: { clip: { select: { title: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 50,
  });
  return rows.map(toExportDto);
}

/**
 * The export render (an Inngest step): the clip's video scaled to the preset in the chosen layout, the
 * current captions (edited or from the transcript) burned in, and the same captions stored as SRT beside
 * it. Progress goes to the row from ffmpeg's -progress output.
 */
export async function renderExport(exportId: string): Promise<{ width: number; height: number; duration: number }> {
  const e = await prisma.clipExport.update({
    where: { id: exportId },
    data: { status: "RENDERING", progress: 0, error: null },
    include: { clip: true },
  });
  if (!e.clip.videoKey) throw new Error("the clip has no rendered video");
  const { width: W, height: H } = EXPORT_PRESETS[e.preset as TExportPreset];
  const store = getStore();
  return withWorkdir(async (dir) => {
    const src = path.join(dir, "clip.mp4");
    await store.download(e.clip.videoKey!, src);
    const info = await probeMedia(src);
    const layout = e.layout as TExportLayout;
    const reframe = await prepareReframe({
      exportId,
      userId: e.userId,
      clipId: e.clipId,
      layout,
      dir,
      src,
      source: info,
      W,
      H,
    });
    let graph = layoutFilter(layout, W, H, reframe.facecam);
    const cues = e.captions ? (await getCaptions(e.userId, e.clipId)).cues : [];
    if (cues.length) {
      const style = captionStyle(e.captionStyle);
      const font = CAPTION_FONTS[style.font];
      // libass reads the style's font from its package's directory (fontsdir), not whatever fontconfig would
      // substitute for a missing family.
      await fs.access(font.file).catch(() => {
        throw new Error(
          `caption font ${font.file} is missing (Debian package ${font.debian}: scripts/ensure-system.sh)`,
        );
      });
      await fs.writeFile(path.join(dir, "captions.ass"), toAss(cues, W, H, style));
      // The font paths are constants of caption-styles.ts: no characters the filtergraph would parse.
      graph = graph.replace(/\[v\]$/, `[pre];[pre]ass=captions.ass:fontsdir=${path.dirname(font.file)}[v]`);
    }
    const out = path.join(dir, "export.mp4");
    const args = [
      "-hide_banner",
      "-nostdin",
      "-loglevel",
      "error",
      "-y",
      "-i",
      src,
      "-filter_complex",
      graph,
      "-map",
      "[v]",
    ];
    if (info.hasAudio) args.push("-map", "0:a:0", "-c:a", "aac", "-b:a", "160k");
    args.push(
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-crf",
      "21",
      "-pix_fmt",
      "yuv420p",
      "-r",
      "30",
      "-movflags",
      "+faststart",
      "-f",
      "mp4",
      out,
    );
    await runFfmpegWithProgress(
      args,
      info.duration,
      (progress) =>
        prisma.clipExport
          .updateMany({ where: { id: exportId, status: "RENDERING" }, data: { progress } })
          .then(() => {}),
      { cwd: dir },
    );
    const probed = await probeMedia(out);
    const outputKey = storageKeys.exportVideo(exportId, e.preset);
    const video = await store.put(outputKey, out, { contentType: "video/mp4" });
    const srt = e.captions
      ? await store.put(srtKey(exportId), Buffer.from(toSrt(cues)), { contentType: "application/x-subrip" })
      : null;
    const result = { width: probed.width ?? W, height: probed.height ?? H, duration: probed.duration };
    await prisma.clipExport.update({
      where: { id: exportId },
      data: {
        status: "READY",
        progress: 1,
        outputKey,
        sizeBytes: video.size + (srt?.size ?? 0),
        cropMaxSpeed: reframe.cropMaxSpeed,
        ...result,
      },
    });
    return result;
  });
}

export async function failExport(exportId: string, message: string): Promise<void> {
  await prisma.clipExport.updateMany({
    where: { id: exportId },
    data: { status: "ERROR", error: message.slice(0, 500) },
  });
}

/** The READY exports among `ids` that belong to the user, for the zip download. */
export async function exportsForZip(userId: string, ids: string[]) {
  const rows = await prisma.clipExport.findMany({
    where: { id: { in: ids }, userId },
    include: { clip: { select: { title: true } } },
    orderBy: { createdAt: "asc" },
  });
  if (rows.length !== ids.length) throw new AppError("not_found", "Export not found.");
  const notReady = rows.find((r) => r.status !== "READY" || !r.outputKey);
  if (notReady) throw new AppError("conflict", "Some exports are not ready yet.");
  return rows;
}
