"use client";
import { useState, type FormEvent } from "react";
import type { TApiToken } from "@/lib/api-tokens/tokens";
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from "./hooks/use-api-tokens";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { Card } from "./ui/card";
import { ShownOnce } from "./ui/shown-once";
import { timeAgo } from "./ui/format";

const EXPIRIES = [
  { label: "30 days", days: 30 },
  { label: "90 days", days: 90 },
  { label: "1 year", days: 365 },
  { label: "Never", days: null },
] as const;

const day = (iso: string) => new Date(iso).toLocaleDateString();

/** Personal API tokens: create (the secret is shown once), list, revoke. GET/POST /api/tokens, DELETE /api/tokens/[id]. */
export function ApiTokens() {
  const q = useApiTokens();
  const create = useCreateApiToken();
  const [fresh, setFresh] = useState<{ name: string; secret: string } | null>(null);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const expiry = String(data.get("expiresInDays"));
    create.mutate(
      {
        name: String(data.get("name")),
        scope: data.get("scope") === "write" ? "write" : "read",
        expiresInDays: expiry === "never" ? null : Number(expiry),
      },
      {
        onSuccess: (res) => {
          setFresh({ name: res.token.name, secret: res.secret });
          form.reset();
        },
      },
    );
  }

  return (
    <Card as="section" className="space-y-3 p-4" aria-label="API tokens">
      <h2 className="text-sm font-semibold">API tokens</h2>
      <p className="text-xs text-zinc-400">
        Scripts and other tools call the API with a token:{" "}
        <code className="break-all text-zinc-300">Authorization: Bearer cs_…</code>. A token acts as you on every{" "}
        <code className="text-zinc-300">/api</code> route; a read token can only look. See the{" "}
        <a className="underline" href="/docs/api">
          API reference
        </a>
        .
      </p>
      {fresh && (
        <ShownOnce
          title={`Token “${fresh.name}” created. Copy it now: it is never shown again.`}
          value={fresh.secret}
          testId="new-token"
          onDone={() => setFresh(null)}
        />
      )}
      <form onSubmit={onSubmit} className="grid gap-2 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <label className="block sm:col-span-3">
          <span className="text-xs text-zinc-400">Name</span>
          <input className="input" name="name" maxLength={60} placeholder="Clip bot" required />
        </label>
        <label className="block">
          <span className="text-xs text-zinc-400">Access</span>
          <select className="input" name="scope" defaultValue="read">
            <option value="read">Read</option>
            <option value="write">Read and write</option>
          </select>
        </label>
        <label className="block">
          <span className="text-xs text-zinc-400">Expires after</span>
          <select className="input" name="expiresInDays" defaultValue="90">
            {EXPIRIES.map((x) => (
              <option key={x.label} value={x.days ?? "never"}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <Button variant="primary" className="whitespace-nowrap" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create token"}
        </Button>
      </form>
      {(create.error || q.error) && (
        <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
          {(create.error ?? q.error)!.message}
        </p>
      )}
      {q.data && q.data.tokens.length === 0 && <p className="text-sm text-zinc-500">No tokens yet.</p>}
      {q.data && q.data.tokens.length > 0 && (
        <ul className="divide-y divide-zinc-800" aria-label="Your API tokens">
          {q.data.tokens.map((t) => (
            <TokenRow key={t.id} token={t} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function TokenRow({ token }: { token: TApiToken }) {
  const revoke = useRevokeApiToken();
  const [confirming, setConfirming] = useState(false);
  const { expired } = token;
  return (
    <li className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2" aria-label={`Token ${token.name}`}>
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span className="truncate font-medium">{token.name}</span>
          <Badge tone={token.scope === "write" ? "warning" : "neutral"}>
            {token.scope === "write" ? "read + write" : "read"}
          </Badge>
          {expired && <Badge tone="muted">expired</Badge>}
        </p>
        <p className="text-xs text-zinc-500">
          <code className="font-mono">{token.hint}</code> · created {timeAgo(token.createdAt)} ·{" "}
          {token.lastUsedAt ? `last used ${timeAgo(token.lastUsedAt)}` : "never used"} ·{" "}
          {token.expiresAt ? `${expired ? "expired" : "expires"} ${day(token.expiresAt)}` : "no expiry"}
        </p>
        {revoke.error && (
          <p role="alert" className="text-xs text-red-300">
            {revoke.error.message}
          </p>
        )}
      </div>
      {confirming ? (
        <span className="flex gap-2">
          <Button type="button" onClick={() => setConfirming(false)} disabled={revoke.isPending}>
            Keep
          </Button>
          <Button
            type="button"
            className="whitespace-nowrap text-red-300"
            onClick={() => revoke.mutate(token.id)}
            disabled={revoke.isPending}
          >
            {revoke.isPending ? "Revoking…" : "Revoke for good"}
          </Button>
        </span>
      ) : (
        <Button type="button" onClick={() => setConfirming(true)}>
          Revoke
        </Button>
      )}
    </li>
  );
}
