import { requireUser } from "@/lib/auth/server";
import { clipMetadata } from "@/lib/clips/clip-metadata";
import { api } from "@/lib/http/api";

export const dynamic = "force-dynamic";

/** The clip for other editors (stream range, word timings, captions as edited, exports' crop and layout), as a JSON download. */
export const GET = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json(await clipMetadata(user.id, id), {
    headers: { "content-disposition": `attachment; filename="clip-${id}.json"`, "cache-control": "no-store" },
  });
});
