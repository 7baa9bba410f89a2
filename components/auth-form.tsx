"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth/client";
import { useHydrated } from "./hooks/use-synced-state";
import { Button } from "./ui/button";
import { Logo } from "./ui/logo";

export function AuthForm({ mode, notice }: { mode: "sign-in" | "sign-up"; notice?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Marks the form interactive once hydrated (typing before that could be lost).
  const ready = useHydrated();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(null);
    const res =
      mode === "sign-up"
        ? await authClient.signUp.email({ email, password, name: String(form.get("name") || email.split("@")[0]) })
        : await authClient.signIn.email({ email, password });
    setPending(false);
    if (res.error) {
      setError(res.error.message ?? "Could not sign in.");
      return;
    }
    router.replace("/dashboard");
    router.refresh();
  }

  const signUp = mode === "sign-up";
  return (
    <main className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center px-6">
      <Logo className="mb-8" />
      <h1 className="text-2xl font-semibold">{signUp ? "Create your account" : "Sign in"}</h1>
      <p className="mt-1 text-sm text-zinc-400">Clips from live streams, while they are still live.</p>
      {notice && (
        <p role="status" className="mt-4 rounded-md bg-emerald-500/10 px-3 py-2 text-sm text-emerald-300">
          {notice}
        </p>
      )}
      <form onSubmit={onSubmit} className="mt-6 space-y-4" data-ready={ready || undefined}>
        {signUp && (
          <label className="block">
            <span className="text-sm text-zinc-300">Name</span>
            <input name="name" autoComplete="name" className="input" />
          </label>
        )}
        <label className="block">
          <span className="text-sm text-zinc-300">Email</span>
          <input name="email" type="email" required autoComplete="email" className="input" />
        </label>
        <label className="block">
          <span className="text-sm text-zinc-300">Password</span>
          <input
            name="password"
            type="password"
            required
            minLength={8}
            autoComplete={signUp ? "new-password" : "current-password"}
            className="input"
          />
        </label>
        {error && (
          <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
            {error}
          </p>
        )}
        <Button type="submit" variant="primary" disabled={pending} className="w-full">
          {pending ? "Please wait…" : signUp ? "Create account" : "Sign in"}
        </Button>
        {!signUp && (
          <p className="text-right text-sm">
            <Link href="/forgot-password" className="text-zinc-400 hover:text-zinc-200 hover:underline">
              Forgot your password?
            </Link>
          </p>
        )}
      </form>
      <p className="mt-6 text-sm text-zinc-400">
        {signUp ? "Already have an account? " : "New to Clipstream? "}
        <Link href={signUp ? "/sign-in" : "/sign-up"} className="text-rose-400 hover:underline">
          {signUp ? "Sign in" : "Create an account"}
        </Link>
      </p>
    </main>
  );
}
