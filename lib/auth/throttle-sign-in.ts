import "server-only";
import { prisma } from "@/lib/db";
import { errorBody } from "@/lib/http/errors";

/** Consecutive failed sign-ins an account takes before it is locked; each further failure doubles the lock. */
export const SIGN_IN_FAILURES_BEFORE_LOCK = 5;
const FIRST_LOCK_SECONDS = 15;
const MAX_LOCK_SECONDS = 15 * 60;
/** A failure streak older than this starts over. */
const STREAK_RESET = "1 hour";

/**
 * Per-account sign-in throttle, whatever the client's address (the per-address limit is better-auth's): while
 * the account is locked the attempt is refused (429 in the error shape, Retry-After) without checking the
 * password; otherwise `attempt` runs, a 401 counts a failure and a success clears the streak. The 5th
 * consecutive failure locks the email for 15 s, each later one doubles that, up to 15 min.
 */
export async function throttleSignIn(email: string, attempt: () => Promise<Response>): Promise<Response> {
  const key = email.trim().toLowerCase();
  const row = await prisma.signInThrottle.findUnique({ where: { email: key } });
  const wait = row?.lockedUntil ? Math.ceil((row.lockedUntil.getTime() - Date.now()) / 1000) : 0;
  if (wait > 0) {
    const message = `Too many failed sign-ins for this account. Try again in ${wait} seconds.`;
    return Response.json(errorBody("rate_limited", message), {
      status: 429,
      headers: { "retry-after": String(wait) },
    });
  }
  const res = await attempt();
  if (res.status === 401) await recordFailure(key);
  else if (res.ok && row) await prisma.signInThrottle.deleteMany({ where: { email: key } });
  return res;
}

/** One atomic statement (concurrent failures each count): a stale streak restarts at 1; the lock it earns is set. */
async function recordFailure(email: string): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO "SignInThrottle" AS t (email, failures, "lockedUntil", "updatedAt")
    VALUES (${email}, 1, NULL, now())
    ON CONFLICT (email) DO UPDATE SET
      failures = CASE WHEN t."updatedAt" > now() - ${STREAK_RESET}::interval THEN t.failures + 1 ELSE 1 END,
      "lockedUntil" = CASE
        WHEN t."updatedAt" > now() - ${STREAK_RESET}::interval AND t.failures + 1 >= ${SIGN_IN_FAILURES_BEFORE_LOCK}
        THEN now() + least(${MAX_LOCK_SECONDS}, ${FIRST_LOCK_SECONDS} * power(2, t.failures + 1 - ${SIGN_IN_FAILURES_BEFORE_LOCK})) * interval '1 second'
      END,
      "updatedAt" = now()`;
}
