import type { BetterAuthOptions } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { appOrigins } from "@/lib/http/app-origins";

/** How long a password reset link works. */
export const RESET_LINK_SECONDS = 60 * 60;

/**
 * The better-auth options the web app (lib/auth/server.ts) and the operator's CLI (scripts/user.ts) share: the
 * same database, secret and base URL, so a reset link the CLI makes is one the app accepts.
 */
export function baseAuthOptions() {
  return {
    appName: "Clipstream",
    baseURL: env.APP_URL,
    secret: env.authSecret,
    trustedOrigins: [...appOrigins(env.APP_URL)],
    database: prismaAdapter(prisma, { provider: "postgresql" }),
    emailAndPassword: {
      enabled: true,
      autoSignIn: true,
      minPasswordLength: 8,
      resetPasswordTokenExpiresIn: RESET_LINK_SECONDS,
      // A reset signs out every other session of the account.
      revokeSessionsOnPasswordReset: true,
    },
  } satisfies BetterAuthOptions;
}
