import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { retrySegment } from "@/lib/segments/retry-segment";

/** Re-run processing of a failed segment. */
export const POST = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  await retrySegment(user.id, id);
  return Response.json({ ok: true }, { status: 202 });
});
