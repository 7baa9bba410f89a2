import "server-only";
import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { EXPORT_PRESETS, PORTRAIT_ONLY_LAYOUTS, type TExportLayout, type TExportPreset } from "../export-presets";
import { ZFacecamBox } from "./facecam-box";

/**
 * Refuses an export the layout cannot make, before any row is created: the split layout stacks two parts, so it
 * needs a vertical preset, and each clip's streamer must have its facecam box chosen.
 */
export async function checkExportLayout(
  userId: string,
  layout: TExportLayout,
  preset: TExportPreset,
  clipIds: string[],
): Promise<void> {
  const p = EXPORT_PRESETS[preset];
  if (PORTRAIT_ONLY_LAYOUTS.includes(layout) && p.width >= p.height)
    throw new AppError("invalid_input", `The ${layout} layout needs a vertical preset; ${p.label} is not.`);
  if (layout !== "split") return;
  const clips = await prisma.clip.findMany({
    where: { id: { in: clipIds }, userId },
    select: { title: true, streamer: { select: { name: true, facecamBox: true } } },
  });
  const missing = clips.find((c) => !ZFacecamBox.safeParse(c.streamer.facecamBox).success);
  if (missing)
    throw new AppError(
      "conflict",
      `Choose ${missing.streamer.name}'s facecam box first (streamer settings → Facecam box) to export "${missing.title}" as facecam + content.`,
    );
}
