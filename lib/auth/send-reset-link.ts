import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/lib/env";
import { RESET_LINK_SECONDS } from "./auth-options";

let transport: Transporter | undefined;

/**
 * better-auth's `sendResetPassword`: the link goes by email when SMTP_URL is set. Without it nothing is sent
 * (the sign-in page says to ask the operator, whose `npm run user -- reset-password <email>` prints a link),
 * and the link is never written to a log.
 */
export async function sendResetLink({ email, url }: { email: string; url: string }): Promise<void> {
  if (!env.SMTP_URL) {
    console.info("[auth] a password reset was asked for, but SMTP_URL is not set: no email sent");
    return;
  }
  transport ??= nodemailer.createTransport(env.SMTP_URL);
  await transport.sendMail({
    from: env.MAIL_FROM,
    to: email,
    subject: "Reset your Clipstream password",
    text: [
      "Someone (hopefully you) asked to reset the password of your Clipstream account.",
      "",
      `Choose a new password here (the link works once, for ${RESET_LINK_SECONDS / 60} minutes):`,
      url,
      "",
      "If it was not you, ignore this email: your password stays as it is.",
    ].join("\n"),
  });
}
