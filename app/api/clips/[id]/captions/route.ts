import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { AppError } from "@/lib/http/errors";
import { readJson } from "@/lib/http/read-json";
import { getCaptions, resetCaptions, saveCaptions, toSrt, toVtt, ZCaptionsInput } from "@/lib/studio/captions";

/** JSON cues, or `?format=srt` / `?format=vtt` as a download. */
export const GET = api<{ id: string }>(async (req, { id }) => {
  const user = await requireUser();
  const format = new URL(req.url).searchParams.get("format") ?? "json";
  if (!["json", "srt", "vtt"].includes(format)) throw new AppError("invalid_input", "format must be json, srt or vtt.");
  const captions = await getCaptions(user.id, id);
  if (format === "json") return Response.json(captions);
  const body = format === "srt" ? toSrt(captions.cues) : toVtt(captions.cues);
  return new Response(body, {
    headers: {
      "content-type": format === "srt" ? "application/x-subrip; charset=utf-8" : "text/vtt; charset=utf-8",
      "content-disposition": `attachment; filename="clip-${id}.${format}"`,
      "cache-control": "no-store",
    },
  });
});

/** Replace the cues with edited ones. */
export const PUT = api<{ id: string }>(async (req, { id }) => {
  const user = await requireUser();
  const input = await readJson(req, ZCaptionsInput, 256 * 1024);
  return Response.json(await saveCaptions(user.id, id, input));
});

/** Drop the edits (captions follow the transcript again). */
export const DELETE = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  await resetCaptions(user.id, id);
  return new Response(null, { status: 204 });
});
