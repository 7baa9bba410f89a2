import { ResetPasswordForm } from "@/components/password-reset-forms";

export const metadata = { title: "Choose a new password" };
export const dynamic = "force-dynamic";

/** better-auth's link checks the token and lands here with `?token=`, or with `?error=INVALID_TOKEN`. */
export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string; error?: string }>;
}) {
  const { token, error } = await searchParams;
  return <ResetPasswordForm token={token ?? null} linkError={!!error} />;
}
