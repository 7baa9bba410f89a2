import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "@/lib/auth/server";
import { throttleSignIn } from "@/lib/auth/throttle-sign-in";
import { errorBody, handleApiError } from "@/lib/http/errors";
import { readBody } from "@/lib/http/read-json";

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
/** Auth bodies are small: bounded like every other JSON body (413 in the error shape) before better-auth parses them. */
export const POST = async (req: Request) => {
  let body: string;
  try {
    body = await readBody(req);
  } catch (err) {
    return handleApiError(err);
  }
  const bounded = new Request(req.url, { method: "POST", headers: req.headers, body });
  const email = new URL(req.url).pathname.endsWith("/sign-in/email") ? signInEmail(body) : null;
  if (email === null) return withErrorShape(await handlers.POST(bounded));
  return throttleSignIn(email, async () => withErrorShape(await handlers.POST(bounded)));
};

/** The email a sign-in body names, or null when it names none (better-auth then answers the bad input itself). */
function signInEmail(body: string): string | null {
  try {
    const email = (JSON.parse(body) as { email?: unknown } | null)?.email;
    return typeof email === "string" && email.length > 0 && email.length <= 320 ? email : null;
  } catch {
    return null;
  }
}
