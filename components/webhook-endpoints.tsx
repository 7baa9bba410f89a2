"use client";
import { useState, type FormEvent } from "react";
import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENTS } from "@/lib/outgoing-webhooks/event-types";
import type { TWebhookDelivery, TWebhookEndpoint } from "@/lib/outgoing-webhooks/endpoints";
import {
  useCreateWebhookEndpoint,
  useWebhookDeliveries,
  useWebhookEndpointActions,
  useWebhookEndpoints,
} from "./hooks/use-webhook-endpoints";
import { Badge, type TBadgeTone } from "./ui/badge";
import { Button } from "./ui/button";
import { Card } from "./ui/card";
import { ShownOnce } from "./ui/shown-once";
import { timeAgo } from "./ui/format";

/** Outgoing webhooks: endpoints, their events, test sends, delivery logs. /api/webhook-endpoints. */
export function WebhookEndpoints() {
  const q = useWebhookEndpoints();
  const create = useCreateWebhookEndpoint();
  const [secret, setSecret] = useState<{ title: string; value: string } | null>(null);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    create.mutate(
      {
        url: String(data.get("url")),
        description: String(data.get("description") ?? ""),
        events: data.getAll("events").map(String),
      },
      {
        onSuccess: (res) => {
          setSecret({ title: `Endpoint added. Its signing secret, shown once:`, value: res.secret });
          form.reset();
        },
      },
    );
  }

  return (
    <Card as="section" className="space-y-3 p-4" aria-label="Webhooks">
      <h2 className="text-sm font-semibold">Webhooks</h2>
      <p className="text-xs text-zinc-400">
        Clipstream POSTs JSON to your URL when something happens, signed as{" "}
        <a className="underline" href="https://www.standardwebhooks.com/" target="_blank" rel="noreferrer">
          Standard Webhooks
        </a>{" "}
        (<code className="text-zinc-300">webhook-id</code>, <code className="text-zinc-300">webhook-timestamp</code>,{" "}
        <code className="text-zinc-300">webhook-signature</code>), and tries again with growing pauses until it gets a
        2xx answer.
      </p>
      {secret && (
        <ShownOnce title={secret.title} value={secret.value} testId="webhook-secret" onDone={() => setSecret(null)} />
      )}
      <form onSubmit={onSubmit} className="space-y-2" aria-label="Add a webhook endpoint">
        <label className="block">
          <span className="text-xs text-zinc-400">Endpoint URL</span>
          <input className="input" name="url" type="url" placeholder="https://example.com/clipstream" required />
        </label>
        <label className="block">
          <span className="text-xs text-zinc-400">Description (optional)</span>
          <input className="input" name="description" maxLength={100} placeholder="Post to Discord" />
        </label>
        <fieldset>
          <legend className="text-xs text-zinc-400">Events</legend>
          <div className="mt-1 grid gap-1 sm:grid-cols-2">
            {WEBHOOK_EVENTS.map((ev) => (
              <label key={ev} className="flex items-start gap-2 text-sm">
                <input type="checkbox" name="events" value={ev} defaultChecked={ev === "clip.ready"} className="mt-1" />
                <span>
                  <code className="text-xs text-zinc-300">{ev}</code>
                  <span className="block text-xs text-zinc-500">{WEBHOOK_EVENT_LABELS[ev]}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <Button variant="primary" className="w-full sm:w-auto" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add endpoint"}
        </Button>
      </form>
      {(create.error || q.error) && (
        <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
          {(create.error ?? q.error)!.message}
        </p>
      )}
      {q.data && q.data.endpoints.length === 0 && <p className="text-sm text-zinc-500">No endpoints yet.</p>}
      {q.data && q.data.endpoints.length > 0 && (
        <ul className="divide-y divide-zinc-800" aria-label="Your webhook endpoints">
          {q.data.endpoints.map((e) => (
            <EndpointRow
              key={e.id}
              endpoint={e}
              onSecret={(value) => setSecret({ title: "New signing secret, shown once:", value })}
            />
          ))}
        </ul>
      )}
    </Card>
  );
}

const DELIVERY_TONE: Record<TWebhookDelivery["status"], TBadgeTone> = {
  DELIVERED: "success",
  PENDING: "warning",
  FAILED: "brand",
};

function EndpointRow({ endpoint: e, onSecret }: { endpoint: TWebhookEndpoint; onSecret: (s: string) => void }) {
  const a = useWebhookEndpointActions(e.id);
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const error = a.update.error ?? a.remove.error ?? a.rollSecret.error ?? a.sendTest.error;
  return (
    <li className="space-y-2 py-3" aria-label={`Endpoint ${e.url}`}>
      <div className="flex flex-wrap items-start gap-2">
        <div className="min-w-0 flex-1">
          <p className="break-all font-mono text-xs text-zinc-200">{e.url}</p>
          {e.description && <p className="text-xs text-zinc-400">{e.description}</p>}
          <p className="mt-1 flex flex-wrap gap-1">
            {e.events.map((ev) => (
              <Badge key={ev} tone="neutral" size="xs">
                {ev}
              </Badge>
            ))}
            {!e.enabled && (
              <Badge tone="muted" size="xs">
                disabled
              </Badge>
            )}
          </p>
          {e.lastDelivery && (
            <p className="mt-1 text-xs text-zinc-500">
              Last delivery {e.lastDelivery.status.toLowerCase()}
              {e.lastDelivery.lastStatus !== null && ` (${e.lastDelivery.lastStatus})`} · {timeAgo(e.lastDelivery.at)}
            </p>
          )}
        </div>
        <label className="flex items-center gap-2 text-xs text-zinc-300">
          <input
            type="checkbox"
            checked={e.enabled}
            disabled={a.update.isPending}
            onChange={(ev) => a.update.mutate({ enabled: ev.target.checked })}
          />
          Enabled
        </label>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button
          type="button"
          onClick={() => a.sendTest.mutate(undefined, { onSuccess: () => setOpen(true) })}
          disabled={a.sendTest.isPending}
        >
          {a.sendTest.isPending ? "Sending…" : "Send test"}
        </Button>
        <Button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? "Hide deliveries" : "Deliveries"}
        </Button>
        <Button type="button" onClick={() => a.rollSecret.mutate(undefined, { onSuccess: (r) => onSecret(r.secret) })}>
          New secret
        </Button>
        {confirming ? (
          <>
            <Button type="button" onClick={() => setConfirming(false)}>
              Keep
            </Button>
            <Button
              type="button"
              className="text-red-300"
              onClick={() => a.remove.mutate()}
              disabled={a.remove.isPending}
            >
              Delete endpoint and log
            </Button>
          </>
        ) : (
          <Button type="button" onClick={() => setConfirming(true)}>
            Delete
          </Button>
        )}
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-300">
          {error.message}
        </p>
      )}
      {open && <DeliveryLog endpointId={e.id} />}
    </li>
  );
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const q = useWebhookDeliveries(endpointId, true);
  if (q.isPending) return <p className="text-xs text-zinc-500">Loading deliveries…</p>;
  if (q.error) return <p className="text-xs text-red-300">{q.error.message}</p>;
  if (!q.data.deliveries.length) return <p className="text-xs text-zinc-500">Nothing sent yet.</p>;
  return (
    <ol className="space-y-1 rounded-md bg-zinc-950/60 p-2" aria-label="Deliveries">
      {q.data.deliveries.map((d) => (
        <li key={d.id} className="flex flex-wrap items-center gap-x-2 gap-y-0.5 text-xs">
          <Badge tone={DELIVERY_TONE[d.status]} size="xs">
            {d.status.toLowerCase()}
          </Badge>
          <code className="text-zinc-300">{d.type}</code>
          <span className="text-zinc-500">
            {d.attempts} {d.attempts === 1 ? "attempt" : "attempts"}
            {d.lastStatus !== null && ` · answered ${d.lastStatus}`}
            {d.lastError && d.lastStatus === null && ` · ${d.lastError}`} · {timeAgo(d.lastAttemptAt ?? d.createdAt)}
          </span>
        </li>
      ))}
    </ol>
  );
}
