import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { GET } from "@/app/caption-fonts/[font]/route";
import { CAPTION_FONTS } from "./caption-styles";

const get = (font: string) =>
  GET(new Request(`http://127.0.0.1/caption-fonts/${font}`), { params: Promise.resolve({ font }) });

describe("GET /caption-fonts/[font]", () => {
  it.each(Object.entries(CAPTION_FONTS))("%s: the Debian package's file, cached for a day", async (id, f) => {
    const r = await get(id);
    expect([r.status, r.headers.get("content-type"), r.headers.get("cache-control")]).toEqual([
      200,
      f.format === "truetype" ? "font/ttf" : "font/otf",
      "public, max-age=86400",
    ]);
    expect(Buffer.from(await r.arrayBuffer()).equals(fs.readFileSync(f.file))).toBe(true);
  });

  it.each(["comic_sans", "constructor", "__proto__", "..%2F..%2Fetc%2Fpasswd"])("%s → 404", async (id) => {
    const r = await get(id);
    expect([r.status, await r.json()]).toEqual([404, { error: { code: "not_found", message: "Font not found." } }]);
  });
});
