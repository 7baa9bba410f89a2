"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useClipProgress, useClipThat } from "../hooks/use-live";
import { Button } from "../ui/button";

export const CLIP_LENGTHS = [15, 30, 60] as const;

/** Typing in a field is not a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

/**
 * "Clip that": the last N seconds (15/30/60, default 30) ending where the viewer is, by button or the C key.
 * Shows the clip's progress and, once READY, plays it with a link to its page; `data-ready-ms` on the toast is
 * the press → playable time this page saw (press to the first poll that found the clip READY).
 */
export function ClipThat({ sessionId, position }: { sessionId: string; position: () => number | null }) {
  const [last, setLast] = useState<number>(30);
  const [pressed, setPressed] = useState<{ id: string; at: number } | null>(null);
  const clipThat = useClipThat(sessionId);
  const progress = useClipProgress(pressed?.id ?? null);
  const clip = progress.data?.clip;

  const press = () => {
    if (clipThat.isPending) return;
    const at = position();
    const t = Date.now();
    clipThat.mutate(
      { last, ...(at != null ? { at: Math.round(at * 1000) / 1000 } : {}) },
      { onSuccess: ({ clip }) => setPressed({ id: clip.id, at: t }) },
    );
  };
  // Press → the poll that first saw the clip READY (its video URL is then playable).
  const readyMs = clip?.status === "READY" && pressed ? progress.dataUpdatedAt - pressed.at : null;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== "c" || e.repeat || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      e.preventDefault();
      press();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  return (
    <div className="flex flex-wrap items-center gap-2">
      <div role="radiogroup" aria-label="Clip length" className="flex overflow-hidden rounded-lg ring-1 ring-zinc-700">
        {CLIP_LENGTHS.map((n) => (
          <button
            key={n}
            type="button"
            role="radio"
            aria-checked={last === n}
            onClick={() => setLast(n)}
            className={`px-3 py-2 text-sm tabular-nums ${last === n ? "bg-zinc-200 font-semibold text-zinc-900" : "bg-zinc-900 text-zinc-300 hover:bg-zinc-800"}`}
          >
            {n} s
          </button>
        ))}
      </div>
      <Button variant="primary" onClick={press} disabled={clipThat.isPending} aria-keyshortcuts="c">
        ✂ Clip that <kbd className="ml-1 rounded bg-black/20 px-1 text-xs">C</kbd>
      </Button>
      {clipThat.error && (
        <p role="alert" className="w-full text-sm text-red-300">
          {clipThat.error.message}
        </p>
      )}
      {(clipThat.isPending || clip) && (
        <div
          role="status"
          data-testid="clip-that-toast"
          // A new press shows as sending, not as the previous clip's status, until its clip exists.
          data-status={clipThat.isPending ? "SENDING" : (clip?.status ?? "SENDING")}
          data-ready-ms={readyMs ?? undefined}
          // In the page flow under the button, at every width: fixed over the page it covered the timeline on
          // phones and the live bar's right end (where new markers appear) on desktop.
          className="w-full rounded-xl bg-zinc-900/95 p-3 ring-1 ring-zinc-700 sm:max-w-md"
        >
          {clipThat.isPending || !clip ? (
            <p className="text-sm text-zinc-300">Clipping the last {last} s…</p>
          ) : clip.status === "READY" && clip.videoUrl ? (
            <>
              <div className="mb-2 flex items-baseline justify-between gap-2 text-sm">
                <span className="font-semibold text-emerald-300">
                  Clip ready{readyMs != null ? ` in ${(readyMs / 1000).toFixed(1)} s` : ""}
                </span>
                <span className="flex gap-3">
                  <Link href={`/clips/${clip.id}`} className="text-zinc-300 underline hover:text-white">
                    Open
                  </Link>
                  <button type="button" className="text-zinc-400 hover:text-white" onClick={() => setPressed(null)}>
                    Close
                  </button>
                </span>
              </div>
              <video
                src={clip.videoUrl}
                controls
                playsInline
                preload="metadata"
                className="aspect-video w-full rounded bg-black"
                data-testid="clip-that-video"
              />
            </>
          ) : clip.status === "ERROR" ? (
            <p className="text-sm text-red-300">
              The clip failed: {clip.error ?? "render error"}{" "}
              <button type="button" className="underline" onClick={() => setPressed(null)}>
                Close
              </button>
            </p>
          ) : (
            <p className="text-sm text-amber-200">
              <span className="mr-2 inline-block size-2 animate-pulse rounded-full bg-amber-400" />
              Rendering “{clip.title}” ({Math.round(clip.endTime - clip.startTime)} s)…
            </p>
          )}
        </div>
      )}
    </div>
  );
}
