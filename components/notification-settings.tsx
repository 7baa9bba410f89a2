"use client";
import { useEffect, useState } from "react";
import { apiFetch } from "@/lib/query-client";
import { Button } from "./ui/button";
import { Card } from "./ui/card";

type TState =
  | { kind: "loading" }
  | { kind: "unsupported" }
  | { kind: "denied" }
  | { kind: "off" }
  | { kind: "push"; devices: number }
  | { kind: "tab-only"; reason: string };

/** The VAPID public key (base64url) as PushManager.subscribe takes it. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

async function currentSubscription(): Promise<PushSubscription | null> {
  if (!("serviceWorker" in navigator)) return null;
  const reg = await navigator.serviceWorker.getRegistration("/");
  return (await reg?.pushManager.getSubscription()) ?? null;
}

/**
 * Notifications on this device: Web Push through the service worker (public/sw.js) with the server's VAPID key,
 * so a clip reaches the device with no tab open; where the browser has no push service, while a tab is open
 * (Web Notifications from the live updates). Which streamers notify is each streamer's own switch.
 */
export function NotificationSettings() {
  const [state, setState] = useState<TState>({ kind: "loading" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    (async () => {
      if (typeof Notification === "undefined") return { kind: "unsupported" } as TState;
      if (Notification.permission === "denied") return { kind: "denied" } as TState;
      if (Notification.permission !== "granted") return { kind: "off" } as TState;
      const sub = await currentSubscription().catch(() => null);
      if (!sub)
        return { kind: "tab-only", reason: "This device shows notifications while Clipstream is open." } as TState;
      const { devices } = await apiFetch<{ devices: number }>("/api/push");
      return { kind: "push", devices } as TState;
    })().then(
      (s) => live && setState(s),
      () => live && setState({ kind: "off" }),
    );
    return () => {
      live = false;
    };
  }, []);

  async function turnOn() {
    setBusy(true);
    setError(null);
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        setState(permission === "denied" ? { kind: "denied" } : { kind: "off" });
        return;
      }
      if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
        setState({
          kind: "tab-only",
          reason: "This browser has no Web Push: notifications show while Clipstream is open.",
        });
        return;
      }
      const reg = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      await navigator.serviceWorker.ready;
      const { publicKey } = await apiFetch<{ publicKey: string }>("/api/push");
      let sub: PushSubscription;
      try {
        sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
      } catch (err) {
        setState({
          kind: "tab-only",
          reason: `This browser could not reach its push service (${(err as Error).message}): notifications show while Clipstream is open.`,
        });
        return;
      }
      const status = await apiFetch<{ devices: number }>("/api/push/subscriptions", {
        method: "POST",
        body: JSON.stringify(sub.toJSON()),
      });
      setState({ kind: "push", devices: status.devices });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function turnOff() {
    setBusy(true);
    setError(null);
    try {
      const sub = await currentSubscription();
      if (sub) {
        await apiFetch("/api/push/subscriptions", {
          method: "DELETE",
          body: JSON.stringify({ endpoint: sub.endpoint }),
        });
        await sub.unsubscribe();
      }
      setState({
        kind: "tab-only",
        reason: "Push is off on this device: notifications show while Clipstream is open.",
      });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card as="section" className="space-y-3 p-4" aria-label="Notifications">
      <h2 className="text-sm font-semibold">Notifications</h2>
      <p className="text-xs text-zinc-400">
        A notification when a clip is ready, for the streamers whose ⚙ settings have “Notify me when a clip is ready”
        on.
      </p>
      <p role="status" className="text-sm text-zinc-300">
        {state.kind === "loading" && "Checking this device…"}
        {state.kind === "unsupported" && "This browser cannot show notifications."}
        {state.kind === "denied" &&
          "Notifications are blocked for this site: allow them in the browser's site settings."}
        {state.kind === "off" && "Off on this device."}
        {state.kind === "push" &&
          `On: this device gets them even with Clipstream closed (${state.devices} device${state.devices === 1 ? "" : "s"} on this account).`}
        {state.kind === "tab-only" && state.reason}
      </p>
      {error && (
        <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
          {error}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        {(state.kind === "off" || state.kind === "tab-only") && (
          <Button variant="primary" onClick={turnOn} disabled={busy}>
            {busy ? "Turning on…" : state.kind === "off" ? "Turn on for this device" : "Try push again"}
          </Button>
        )}
        {state.kind === "push" && (
          <Button onClick={turnOff} disabled={busy}>
            {busy ? "Turning off…" : "Turn off for this device"}
          </Button>
        )}
      </div>
    </Card>
  );
}
