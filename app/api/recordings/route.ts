import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { listRecordings } from "@/lib/recording/recording-control";

/** The account's recordings in progress. */
export const GET = api(async () => {
  const user = await requireUser();
  return Response.json({ recordings: await listRecordings(user.id) });
});
