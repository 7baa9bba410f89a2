"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth/client";
import { Button } from "./ui/button";
import { Card } from "./ui/card";

/** A form's submit state: pending, and the last outcome (an error, or a success message). */
function useSubmit() {
  const [state, setState] = useState<{ pending: boolean; error?: string; done?: string }>({ pending: false });
  async function run(action: () => Promise<{ error: { message?: string } | null }>, done: string, fallback: string) {
    setState({ pending: true });
    const res = await action();
    setState(res.error ? { pending: false, error: res.error.message ?? fallback } : { pending: false, done });
    return !res.error;
  }
  return [state, run] as const;
}

/** Change password (better-auth `changePassword`; other devices are signed out). */
export function ChangePassword() {
  const [state, run] = useSubmit();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const ok = await run(
      () =>
        authClient.changePassword({
          currentPassword: String(data.get("currentPassword")),
          newPassword: String(data.get("newPassword")),
          revokeOtherSessions: true,
        }),
      "Password changed. Other devices are signed out.",
      "Could not change the password.",
    );
    if (ok) form.reset();
  }
  return (
    <Card as="form" onSubmit={onSubmit} className="space-y-3 p-4" aria-label="Change password">
      <h2 className="text-sm font-semibold">Password</h2>
      <label className="block">
        <span className="text-xs text-zinc-400">Current password</span>
        <input className="input" name="currentPassword" type="password" autoComplete="current-password" required />
      </label>
      <label className="block">
        <span className="text-xs text-zinc-400">New password (at least 8 characters)</span>
        <input
          className="input"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={8}
          required
        />
      </label>
      {state.error && (
        <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
          {state.error}
        </p>
      )}
      {state.done && (
        <p role="status" className="text-sm text-emerald-300">
          {state.done}
        </p>
      )}
      <Button variant="primary" className="w-full sm:w-auto" disabled={state.pending}>
        {state.pending ? "Changing…" : "Change password"}
      </Button>
    </Card>
  );
}

/** Delete the account with all its data and files (better-auth `deleteUser`, password required). */
export function DeleteAccount() {
  const router = useRouter();
  const [state, run] = useSubmit();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get("password"));
    const ok = await run(() => authClient.deleteUser({ password }), "Deleted.", "Could not delete the account.");
    if (ok) {
      router.replace("/sign-up");
      router.refresh();
    }
  }
  return (
    <Card as="form" onSubmit={onSubmit} className="space-y-3 border-red-500/30 p-4" aria-label="Delete account">
      <h2 className="text-sm font-semibold text-red-300">Delete account</h2>
      <p className="text-xs text-zinc-400">
        Stops every recording and deletes your streamers, recordings, clips, exports and share links, with every stored
        file. This cannot be undone.
      </p>
      <label className="block">
        <span className="text-xs text-zinc-400">Your password, to confirm</span>
        <input className="input" name="password" type="password" autoComplete="current-password" required />
      </label>
      {state.error && (
        <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
          {state.error}
        </p>
      )}
      <Button className="w-full border-red-500/40 text-red-300 hover:border-red-400 sm:w-auto" disabled={state.pending}>
        {state.pending ? "Deleting…" : "Delete my account and everything in it"}
      </Button>
    </Card>
  );
}
