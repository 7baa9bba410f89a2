import { ForgotPasswordForm } from "@/components/password-reset-forms";
import { env } from "@/lib/env";

export const metadata = { title: "Forgot your password?" };
export const dynamic = "force-dynamic";

export default function ForgotPasswordPage() {
  return <ForgotPasswordForm email={!!env.SMTP_URL} />;
}
