import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { listExports, ZExportIds } from "@/lib/studio/exports";
import { ZExportRequest } from "@/lib/studio/exports";
import { queueExports } from "@/lib/studio/queue-exports";

/** `?ids=a,b` (polling a batch) or `?clipId=…` (a clip's exports), newest first. */
export const GET = api(async (req) => {
  const user = await requireUser();
  const sp = new URL(req.url).searchParams;
  const ids = sp.has("ids") ? ZExportIds.parse({ ids: sp.get("ids") }).ids : undefined;
  const clipId = sp.get("clipId")?.slice(0, 64) || undefined;
  return Response.json({ exports: await listExports(user.id, { ids, clipId }) });
});

/** Export one or more clips with a preset and layout; each renders as its own `export-clip` run. */
export const POST = api(async (req) => {
  const user = await requireUser();
  const input = await readJson(req, ZExportRequest);
  return Response.json({ exports: await queueExports(user.id, input) }, { status: 202 });
});
