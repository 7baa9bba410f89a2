import { requireUser } from "@/lib/auth/server";
import { clipsMetadata, ZMetadataIds } from "@/lib/clips/clip-metadata";
import { api } from "@/lib/http/api";

export const dynamic = "force-dynamic";

/** `?ids=a,b,…` (at most 100): the clips' metadata in one JSON download. */
export const GET = api(async (req) => {
  const user = await requireUser();
  const ids = ZMetadataIds.parse(new URL(req.url).searchParams.get("ids") ?? undefined);
  return Response.json(await clipsMetadata(user.id, ids), {
    headers: { "content-disposition": `attachment; filename="clips-metadata.json"`, "cache-control": "no-store" },
  });
});
