import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "@/lib/auth/server";
import { errorBody } from "@/lib/http/errors";

const handlers = toNextJsHandler(auth);

/** better-auth's rate-limit answer in the API's one error shape (`rate_limited`), keeping Retry-After. */
async function withErrorShape(res: Response): Promise<Response> {
  if (res.status !== 429) return res;
  const retryAfter = res.headers.get("x-retry-after") ?? "60";
  return Response.json(errorBody("rate_limited", `Too many attempts. Try again in ${retryAfter} seconds.`), {
    status: 429,
    headers: { "retry-after": retryAfter },
  });
}

export const GET = async (req: Request) => withErrorShape(await handlers.GET(req));
export const POST = async (req: Request) => withErrorShape(await handlers.POST(req));
