import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { uploadServer } from "@/lib/uploads/upload-server";

export const dynamic = "force-dynamic";

/** tus creation: a resumable upload of a recording to replay (metadata: filename, streamerId, pace). */
export const POST = api(async (req) => {
  await requireUser();
  return uploadServer().handleWeb(req);
});
