"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { TClipDto } from "@/lib/clips/clips";
import { apiFetch } from "@/lib/query-client";
import { ClipStudio } from "./studio/clip-studio";
import { detectorLabel, transcriberLabel } from "./ui/engine-label";
import { formatClock } from "./ui/format";

/** `startAt` (seconds into the clip, from search results) seeks the player once its metadata is loaded. */
export function ClipView({ id, startAt }: { id: string; startAt?: number }) {
  const qc = useQueryClient();
  const { data, error } = useQuery({
    queryKey: ["clip", id],
    queryFn: () => apiFetch<{ clip: TClipDto }>(`/api/clips/${id}`),
    refetchInterval: (q) => (q.state.data?.clip.trim || !(q.state.data?.clip.status === "READY" || q.state.data?.clip.status === "ERROR") ? 2_000 : false),
  });
  const [copied, setCopied] = useState(false);
  const share = useMutation({
    mutationFn: () => apiFetch<{ url: string }>(`/api/clips/${id}/share`, { method: "POST" }),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: ["clip", id] });
      await navigator.clipboard?.writeText(r.url).then(() => setCopied(true), () => {});
    },
  });
  const unshare = useMutation({
    mutationFn: () => apiFetch(`/api/clips/${id}/share`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["clip", id] }),
  });

  if (error) return <p role="alert" className="p-6 text-sm text-red-300">{error.message}</p>;
  if (!data) return <p className="p-6 text-sm text-zinc-400">Loading…</p>;
  const c = data.clip;
  const transcriber = transcriberLabel(c.transcriptEngine);
  const shareUrl = c.shareSlug ? `${window.location.origin}/c/${c.shareSlug}` : null;

  return (
    <main className="mx-auto max-w-3xl px-4 py-6">
      <Link href="/dashboard" className="text-sm text-zinc-400 hover:text-zinc-200">
        ← Dashboard
      </Link>
      <div className="mt-3 overflow-hidden rounded-xl bg-black">
        {c.videoUrl ? (
          <video
            src={c.videoUrl}
            poster={c.thumbUrl ?? undefined}
            controls
            playsInline
            className="aspect-video w-full"
            onLoadedMetadata={(e) => {
              if (startAt && startAt < e.currentTarget.duration) e.currentTarget.currentTime = startAt;
            }}
          />
        ) : (
          <div className="grid aspect-video place-items-center text-sm text-zinc-400">
            {c.status === "ERROR" ? c.error : "Rendering…"}
          </div>
        )}
      </div>
      <h1 className="mt-4 text-xl font-semibold">{c.title}</h1>
      <p className="mt-1 text-sm text-zinc-400">
        {c.streamer.name} · {formatClock(c.startTime)}–{formatClock(c.endTime)} in the stream · {formatClock(c.duration)} long
      </p>
      <div className="mt-4 grid gap-3 sm:grid-cols-[auto_1fr]">
        <div className="card flex flex-col items-center justify-center px-5 py-3">
          <span className="text-3xl font-bold text-rose-400" data-testid="clip-score">{c.score}</span>
          <span className="text-xs text-zinc-400">score</span>
        </div>
        <div className="card p-3">
          <p className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Why it was picked</p>
          <p className="mt-1 text-sm" data-testid="clip-reason">{c.reason}</p>
          <p className="mt-2 text-xs text-zinc-500">
            Detected by <span data-testid="clip-engine">{detectorLabel(c.engine, c.engineModel)}</span>
            {c.tags.length ? ` · ${c.tags.join(", ")}` : ""}
          </p>
        </div>
      </div>
      <section className="card mt-3 p-3">
        <p className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Transcript</p>
        <p className="mt-1 text-sm leading-relaxed" data-testid="clip-excerpt">{c.excerpt || "No speech recognised."}</p>
        {transcriber ? (
          <p className="mt-2 text-xs text-zinc-500">
            Transcribed by <span data-testid="transcript-engine">{transcriber.label}</span>
            {transcriber.rough ? " — offline transcription is rough; words may be wrong." : ""}
          </p>
        ) : (
          <p className="mt-2 text-xs text-zinc-500">The full transcript was deleted after the retention period.</p>
        )}
      </section>
      <ClipStudio clip={c} />
      <section className="card mt-3 flex flex-wrap items-center gap-3 p-3">
        {shareUrl ? (
          <>
            <input readOnly value={shareUrl} aria-label="Share link" className="input mt-0 flex-1" onFocus={(e) => e.target.select()} />
            <button className="btn-primary" onClick={() => navigator.clipboard?.writeText(shareUrl).then(() => setCopied(true))}>
              {copied ? "Copied" : "Copy link"}
            </button>
            <button className="btn-ghost" onClick={() => unshare.mutate()} disabled={unshare.isPending}>
              Stop sharing
            </button>
          </>
        ) : (
          <>
            <p className="flex-1 text-sm text-zinc-400">Private. Create a public link anyone can open.</p>
            <button className="btn-primary" onClick={() => share.mutate()} disabled={c.status !== "READY" || share.isPending}>
              Create share link
            </button>
          </>
        )}
        {share.error && <p role="alert" className="w-full text-sm text-red-300">{share.error.message}</p>}
      </section>
    </main>
  );
}
