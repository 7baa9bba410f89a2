import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { uploadServer } from "@/lib/uploads/upload-server";

export const dynamic = "force-dynamic";

type P = { id: string };

/** Signed in first (401 in the app's error shape), then tus checks that the upload is the user's. */
const tus = api<P>(async (req) => {
  await requireUser();
  return uploadServer().handleWeb(req);
});

/** tus: HEAD says how much of the upload is stored (to resume), PATCH appends, DELETE abandons it. */
export const HEAD = tus;
export const PATCH = tus;
export const DELETE = tus;
