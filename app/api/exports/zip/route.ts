import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { exportCaptionsKey, exportsForZip, ZExportIds } from "@/lib/studio/exports";
import { safeName, zipFromStore, type TZipEntry } from "@/lib/studio/zip-exports";

/** `?ids=a,b,c`: the finished exports (and their SRT captions) as one streamed zip. */
export const GET = api(async (req) => {
  const user = await requireUser();
  const { ids } = ZExportIds.parse({ ids: new URL(req.url).searchParams.get("ids") ?? undefined });
  const rows = await exportsForZip(user.id, ids);
  const entries: TZipEntry[] = rows.flatMap((e, i) => {
    const base = `${String(i + 1).padStart(2, "0")}-${safeName(e.clip.title)}-${e.preset}`;
    const files = [{ name: `${base}.mp4`, key: e.outputKey! }];
    if (e.captions) files.push({ name: `${base}.srt`, key: `${exportCaptionsKey(e.id)}` });
    return files;
  });
  return new Response(zipFromStore(entries), {
    headers: {
      "content-type": "application/zip",
      "content-disposition": `attachment; filename="clipstream-exports-${new Date().toISOString().slice(0, 10)}.zip"`,
      "cache-control": "no-store",
    },
  });
});
