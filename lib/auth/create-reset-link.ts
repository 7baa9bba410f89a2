import { betterAuth } from "better-auth";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { baseAuthOptions } from "./auth-options";

/** The app page a reset link lands on (it asks for the new password). */
export const RESET_PAGE = "/reset-password";

/**
 * A one-time password reset link for the account with this email, for the operator's CLI: better-auth makes it
 * (its own token, stored and checked by the app's better-auth as any reset) and hands it here instead of to
 * email. Throws a message for the operator when no account has the email.
 */
export async function createResetLink(email: string): Promise<string> {
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { email: true } });
  if (!user) throw new Error(`No account uses the email ${email}.`);
  const base = baseAuthOptions();
  let link: string | undefined;
  const auth = betterAuth({
    ...base,
    emailAndPassword: {
      ...base.emailAndPassword,
      sendResetPassword: async ({ url }) => {
        link = url;
      },
    },
  });
  await auth.api.requestPasswordReset({ body: { email: user.email, redirectTo: `${env.APP_URL}${RESET_PAGE}` } });
  if (!link) throw new Error("better-auth made no reset link.");
  return link;
}
