import { api } from "@/lib/http/api";
import { readCaptionFont } from "@/lib/studio/read-caption-font";

/** The caption styles' fonts for the studio preview (public files of Debian packages; a day in caches). */
export const GET = api<{ font: string }>(async (_req, { font }) => {
  const { body, contentType } = await readCaptionFont(font);
  return new Response(new Uint8Array(body), {
    headers: { "content-type": contentType, "cache-control": "public, max-age=86400" },
  });
});
