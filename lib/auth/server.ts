import "server-only";
import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { headers } from "next/headers";
import { afterAccountDeleted, beforeAccountDeleted } from "@/lib/account/delete-account-data";
import { createTtlCache } from "@/lib/cache/ttl-cache";
import { env } from "@/lib/env";
import { authenticateBearer } from "@/lib/api-tokens/tokens";
import { AppError } from "@/lib/http/errors";
import { currentApiRequest } from "@/lib/http/request-context";
import { baseAuthOptions } from "./auth-options";
import { sendResetLink } from "./send-reset-link";

const base = baseAuthOptions();

/**
 * better-auth: email + password accounts, database sessions in PostgreSQL, rate-limited sign-in; change password,
 * reset by a one-time link (email when SMTP_URL is set, else the operator's CLI), and account deletion with
 * every stored file (asks for the password, always).
 */
export const auth = betterAuth({
  ...base,
  emailAndPassword: {
    ...base.emailAndPassword,
    sendResetPassword: ({ user, url }) => sendResetLink({ email: user.email, url }),
  },
  user: {
    deleteUser: {
      enabled: true,
      beforeDelete: (user) => beforeAccountDeleted(user.id),
      afterDelete: async (user) => void (await afterAccountDeleted(user.id)),
    },
  },
  hooks: {
    // better-auth deletes a fresh session's account without its password; Clipstream always asks for it.
    before: createAuthMiddleware(async (ctx) => {
      if (ctx.path === "/delete-user" && !(ctx.body as { password?: string } | undefined)?.password) {
        throw new APIError("BAD_REQUEST", { message: "Type your password to delete your account." });
      }
    }),
  },
  // cookieCache: a signed copy of the session in a short-lived cookie, so authenticated API calls (the feed,
  // the dashboard polled every ~2 s) skip the session lookup; a revoked session stays valid at most 5 minutes.
  session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24, cookieCache: { enabled: true, maxAge: 5 * 60 } },
  rateLimit: {
    enabled: true,
    storage: "database",
    window: 60,
    max: 200,
    customRules: {
      "/sign-in/email": { window: 60, max: 10 },
      "/sign-up/email": { window: 60, max: 10 },
      "/change-password": { window: 60, max: 10 },
      "/request-password-reset": { window: 60, max: 5 },
      "/reset-password": { window: 60, max: 10 },
      "/delete-user": { window: 60, max: 10 },
    },
  },
  // The client's address as the server resolved it (socket peer, or X-Forwarded-For from TRUSTED_PROXIES only):
  // never a header the client itself can set.
  advanced: { ipAddress: { ipAddressHeaders: [env.CLIENT_IP_HEADER] } },
  plugins: [nextCookies()],
});

export type TSessionUser = { id: string; email: string; name: string };

/**
 * Verified sessions by their exact session cookies, for a few seconds: verifying better-auth's signed cookies
 * (WebCrypto HMAC on the thread pool) was the largest single cost of a feed request. Only successful lookups
 * are kept, never past the session's expiry; a revoked session already stays valid up to the cookie cache's
 * 5 minutes, this adds nothing to that.
 */
const SESSION_CACHE_MS = 15_000;
const sessionCache = createTtlCache<TSessionUser>({ ttlMs: SESSION_CACHE_MS, max: 5000 });

/** The better-auth session cookies of a Cookie header, as one cache key ("" when there are none). */
export function sessionCookieKey(cookieHeader: string | null): string {
  if (!cookieHeader) return "";
  return cookieHeader
    .split(";")
    .map((c) => c.trim())
    .filter((c) => /^(__Secure-)?better-auth\.session_/.test(c))
    .sort()
    .join("; ");
}

/** The signed-in user, or null. */
export async function getSessionUser(): Promise<TSessionUser | null> {
  const h = await headers();
  const key = sessionCookieKey(h.get("cookie"));
  if (!key) return null;
  const cached = sessionCache.get(key);
  if (cached) return cached;
  const session = await auth.api.getSession({ headers: h });
  if (!session) return null;
  const user = { id: session.user.id, email: session.user.email, name: session.user.name };
  const ttl = Math.min(SESSION_CACHE_MS, new Date(session.session.expiresAt).getTime() - Date.now());
  if (ttl > 0) sessionCache.set(key, user, ttl);
  return user;
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * The caller of an API request: the owner of its API token (`Authorization: Bearer`, lib/api-tokens; a read token
 * may only GET/HEAD) or the signed-in user. Neither → an `unauthorized` AppError (401). `signedIn` refuses tokens
 * (403): what manages the tokens themselves needs the account's own sign-in.
 */
export async function requireUser(opts: { signedIn?: boolean } = {}): Promise<TSessionUser> {
  const request = currentApiRequest();
  if (request?.bearer) {
    if (opts.signedIn)
      throw new AppError("forbidden", "API tokens are managed in Settings, signed in, not with a token.");
    request.caller ??= authenticateBearer(request.bearer);
    const caller = await request.caller;
    if (caller.scope === "read" && UNSAFE_METHODS.has(request.method)) {
      throw new AppError("forbidden", "This API token can only read: create one with write access to make changes.");
    }
    return caller.user;
  }
  const user = await getSessionUser();
  if (!user) throw new AppError("unauthorized", "Sign in to continue.");
  return user;
}
