"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth/client";
import { useHydrated } from "./hooks/use-synced-state";
import { Button } from "./ui/button";
import { Logo } from "./ui/logo";

function Shell({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center px-6">
      <Logo className="mb-8" />
      <h1 className="text-2xl font-semibold">{title}</h1>
      {children}
      <p className="mt-6 text-sm text-zinc-400">
        <Link href="/sign-in" className="text-rose-400 hover:underline">
          Back to sign in
        </Link>
      </p>
    </main>
  );
}

function Alert({ children }: { children: React.ReactNode }) {
  return (
    <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
      {children}
    </p>
  );
}

/** `/forgot-password`: asks for a link by email, or (no SMTP on this server) says how the operator makes one. */
export function ForgotPasswordForm({ email }: { email: boolean }) {
  const [state, setState] = useState<{ pending: boolean; sent?: boolean; error?: string }>({ pending: false });
  const ready = useHydrated();
  if (!email) {
    return (
      <Shell title="Forgot your password?">
        <p className="mt-3 text-sm text-zinc-300">
          This server sends no email. Ask its operator for a reset link: they run{" "}
          <code className="rounded bg-zinc-800 px-1">npm run user -- reset-password you@example.com</code>, which prints
          a one-time link for your account.
        </p>
      </Shell>
    );
  }
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setState({ pending: true });
    const res = await authClient.requestPasswordReset({
      email: String(new FormData(e.currentTarget).get("email")),
      redirectTo: `${window.location.origin}/reset-password`,
    });
    setState(
      res.error
        ? { pending: false, error: res.error.message ?? "Could not send the link." }
        : { pending: false, sent: true },
    );
  }
  return (
    <Shell title="Forgot your password?">
      {state.sent ? (
        <p role="status" className="mt-3 text-sm text-emerald-300">
          If an account uses that email, a link to choose a new password is on its way. It works once, for an hour.
        </p>
      ) : (
        <form onSubmit={onSubmit} className="mt-6 space-y-4" data-ready={ready || undefined}>
          <label className="block">
            <span className="text-sm text-zinc-300">Email</span>
            <input name="email" type="email" required autoComplete="email" className="input" />
          </label>
          {state.error && <Alert>{state.error}</Alert>}
          <Button type="submit" variant="primary" disabled={state.pending} className="w-full">
            {state.pending ? "Please wait…" : "Email me a link"}
          </Button>
        </form>
      )}
    </Shell>
  );
}

/** `/reset-password?token=`: the page a reset link lands on; sets the new password, then sign in with it. */
export function ResetPasswordForm({ token, linkError }: { token: string | null; linkError: boolean }) {
  const router = useRouter();
  const [state, setState] = useState<{ pending: boolean; error?: string }>({ pending: false });
  const ready = useHydrated();
  if (!token || linkError) {
    return (
      <Shell title="Choose a new password">
        <div className="mt-4">
          <Alert>This reset link is not valid: it was used already, it expired, or it was copied incompletely.</Alert>
        </div>
        <p className="mt-3 text-sm text-zinc-400">
          <Link href="/forgot-password" className="text-rose-400 hover:underline">
            Get a new link
          </Link>
        </p>
      </Shell>
    );
  }
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setState({ pending: true });
    const res = await authClient.resetPassword({
      newPassword: String(new FormData(e.currentTarget).get("password")),
      token: token!,
    });
    if (res.error) {
      setState({ pending: false, error: res.error.message ?? "Could not set the password." });
      return;
    }
    router.replace("/sign-in?reset=1");
  }
  return (
    <Shell title="Choose a new password">
      <form onSubmit={onSubmit} className="mt-6 space-y-4" data-ready={ready || undefined}>
        <label className="block">
          <span className="text-sm text-zinc-300">New password</span>
          <input name="password" type="password" required minLength={8} autoComplete="new-password" className="input" />
        </label>
        {state.error && <Alert>{state.error}</Alert>}
        <Button type="submit" variant="primary" disabled={state.pending} className="w-full">
          {state.pending ? "Please wait…" : "Set password"}
        </Button>
      </form>
    </Shell>
  );
}
