import type { TPushChange } from "./push-invalidations";

/** Clips this tab has notified about (or seen READY), so a clip rendered again is not announced twice. */
const seen = new Set<string>();
/** A clip made longer ago than this turning READY again (a trim, a review of an old clip) is not news. */
const FRESH_MS = 10 * 60_000;

/**
 * The in-tab half of notifications: a clip of the account turning READY while this tab is open but not in
 * front, on a streamer with "Notify me" on, shows a Web Notification (permission granted in Settings). The
 * service worker's push (tab closed, or open) carries the same tag (`clip-<id>`), so a device shows one.
 */
export async function notifyClipReady(change: TPushChange, open: (path: string) => void): Promise<void> {
  if (change.table !== "Clip" || change.status !== "READY" || seen.has(change.id)) return;
  seen.add(change.id);
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  if (document.visibilityState === "visible" && document.hasFocus()) return;
  const clipRes = await fetch(`/api/clips/${change.id}`);
  if (!clipRes.ok) return;
  const { clip } = (await clipRes.json()) as {
    clip: { id: string; title: string; score: number; createdAt: string; streamer: { id: string; name: string } };
  };
  if (Date.now() - new Date(clip.createdAt).getTime() > FRESH_MS) return;
  const streamerRes = await fetch(`/api/streamers/${clip.streamer.id}`);
  if (!streamerRes.ok) return;
  const { streamer } = (await streamerRes.json()) as { streamer: { notify: boolean } };
  if (!streamer.notify) return;
  const n = new Notification(`New clip from ${clip.streamer.name}`, {
    body: `${clip.title} · score ${clip.score}`,
    tag: `clip-${clip.id}`,
    icon: "/icon.svg",
  });
  n.onclick = () => {
    window.focus();
    open(`/clips/${clip.id}`);
  };
}
