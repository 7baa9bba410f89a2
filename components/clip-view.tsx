"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useClip, useDeleteClip, useRetryClip, useShareClip, useUnshareClip } from "./hooks/use-clip";
import { ClipStudio } from "./studio/clip-studio";
import { Button } from "./ui/button";
import { Card } from "./ui/card";
import { detectorLabel, transcriberLabel } from "./ui/engine-label";
import { formatClock } from "./ui/format";

/** `startAt` (seconds into the clip, from search results) seeks the player once its metadata is loaded. */
export function ClipView({ id, startAt }: { id: string; startAt?: number }) {
  const { data, error } = useClip(id);
  const [copied, setCopied] = useState(false);
  const share = useShareClip(id, {
    onSuccess: (r) =>
      navigator.clipboard?.writeText(r.url).then(
        () => setCopied(true),
        () => {},
      ),
  });
  const unshare = useUnshareClip(id);
  const retry = useRetryClip(id);
  const router = useRouter();
  const remove = useDeleteClip(id, { onSuccess: () => router.push("/clips") });

  if (error)
    return (
      <p role="alert" className="p-6 text-sm text-red-300">
        {error.message}
      </p>
    );
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
            data-testid="clip-player"
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
          <div className="grid aspect-video place-items-center gap-3 p-4 text-center text-sm text-zinc-400">
            {c.status === "ERROR" ? (
              <div>
                <p role="alert">{c.error ?? "The render failed."}</p>
                <Button className="mt-3" variant="primary" onClick={() => retry.mutate()} disabled={retry.isPending}>
                  Retry render
                </Button>
                {retry.error && <p className="mt-2 text-red-300">{retry.error.message}</p>}
              </div>
            ) : (
              "Rendering…"
            )}
          </div>
        )}
      </div>
      <h1 className="mt-4 text-xl font-semibold">{c.title}</h1>
      <p className="mt-1 text-sm text-zinc-400">
        {c.streamer.name} · {formatClock(c.startTime)}–{formatClock(c.endTime)} in the stream ·{" "}
        {formatClock(c.duration)} long
      </p>
      <div className="mt-4 grid gap-3 sm:grid-cols-[auto_1fr]">
        <Card className="flex flex-col items-center justify-center px-5 py-3">
          <span className="text-3xl font-bold text-rose-400" data-testid="clip-score">
            {c.score}
          </span>
          <span className="text-xs text-zinc-400">score</span>
        </Card>
        <Card className="p-3">
          <p className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Why it was picked</p>
          <p className="mt-1 text-sm" data-testid="clip-reason">
            {c.reason}
          </p>
          <p className="mt-2 text-xs text-zinc-500">
            Detected by <span data-testid="clip-engine">{detectorLabel(c.engine, c.engineModel)}</span>
            {c.tags.length ? ` · ${c.tags.join(", ")}` : ""}
          </p>
        </Card>
      </div>
      <Card as="section" className="mt-3 p-3">
        <p className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Transcript</p>
        <p className="mt-1 text-sm leading-relaxed" data-testid="clip-excerpt">
          {c.excerpt || "No speech recognised."}
        </p>
        {transcriber ? (
          <p className="mt-2 text-xs text-zinc-500">
            Transcribed by <span data-testid="transcript-engine">{transcriber.label}</span>
            {transcriber.rough ? " — offline transcription is rough; words may be wrong." : ""}
          </p>
        ) : c.transcriptPending ? (
          <p className="mt-2 text-xs text-zinc-500">The transcript comes when its segment has been processed.</p>
        ) : (
          <p className="mt-2 text-xs text-zinc-500">The full transcript was deleted after the retention period.</p>
        )}
      </Card>
      <ClipStudio clip={c} />
      <Card as="section" className="mt-3 flex flex-wrap items-center gap-3 p-3">
        {shareUrl ? (
          <>
            <input
              readOnly
              value={shareUrl}
              aria-label="Share link"
              className="input mt-0 flex-1"
              onFocus={(e) => e.target.select()}
            />
            <Button
              variant="primary"
              onClick={() => navigator.clipboard?.writeText(shareUrl).then(() => setCopied(true))}
            >
              {copied ? "Copied" : "Copy link"}
            </Button>
            <Button variant="ghost" onClick={() => unshare.mutate()} disabled={unshare.isPending}>
              Stop sharing
            </Button>
          </>
        ) : (
          <>
            <p className="flex-1 text-sm text-zinc-400">Private. Create a public link anyone can open.</p>
            <Button variant="primary" onClick={() => share.mutate()} disabled={c.status !== "READY" || share.isPending}>
              Create share link
            </Button>
          </>
        )}
        {share.error && (
          <p role="alert" className="w-full text-sm text-red-300">
            {share.error.message}
          </p>
        )}
      </Card>
      <div className="mt-6 flex justify-end">
        <Button
          variant="ghost"
          className="text-red-300 hover:text-red-200"
          disabled={remove.isPending}
          onClick={() => confirm(`Delete “${c.title}”? Its video, exports and share link go too.`) && remove.mutate()}
        >
          Delete clip
        </Button>
      </div>
      {remove.error && (
        <p role="alert" className="mt-2 text-right text-sm text-red-300">
          {remove.error.message}
        </p>
      )}
    </main>
  );
}
