import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth-form";
import { getSessionUser } from "@/lib/auth/server";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ reset?: string }> }) {
  if (await getSessionUser()) redirect("/dashboard");
  const { reset } = await searchParams;
  return <AuthForm mode="sign-in" notice={reset ? "Password set. Sign in with it." : undefined} />;
}
