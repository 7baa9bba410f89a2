import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { searchLibrary, ZSearchQuery } from "@/lib/search/search-library";

/** GET /api/search?q=…&limit=… — full-text search over the user's transcripts and clip titles. */
export const GET = api(async (req) => {
  const user = await requireUser();
  const q = ZSearchQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await searchLibrary(user.id, q));
});
