import "server-only";
import fs from "node:fs/promises";
import { AppError } from "@/lib/http/errors";
import { CAPTION_FONTS, type TCaptionFontId } from "./caption-styles";

/** A caption font's file (from its Debian package) for the studio preview's @font-face; unknown ids are 404. */
export async function readCaptionFont(id: string): Promise<{ body: Buffer; contentType: string }> {
  if (!Object.hasOwn(CAPTION_FONTS, id)) throw new AppError("not_found", "Font not found.");
  const font = CAPTION_FONTS[id as TCaptionFontId];
  const body = await fs.readFile(font.file).catch(() => {
    throw new AppError("not_found", `Font not installed (Debian package ${font.debian}).`);
  });
  return { body, contentType: font.format === "truetype" ? "font/ttf" : "font/otf" };
}
