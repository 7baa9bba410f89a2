import Link from "next/link";
import type { TClipDto } from "@/lib/clips/clips";
import { Badge } from "../ui/badge";
import { buttonClass } from "../ui/button";
import { Card } from "../ui/card";
import { formatClock } from "../ui/format";
import type { TSwipe } from "./use-swipe";

/** The clip under review: its video (autoplaying, muted), score and why it was picked; follows a swipe. */
export function ReviewCard({ clip, swipe }: { clip: TClipDto; swipe: TSwipe }) {
  const { dx } = swipe;
  return (
    <Card
      as="article"
      aria-label={`Reviewing: ${clip.title}`}
      data-testid="review-card"
      data-clip-id={clip.id}
      className="mt-3 touch-pan-y select-none overflow-hidden"
      style={{
        transform: dx ? `translateX(${dx}px) rotate(${dx / 40}deg)` : undefined,
        transition: dx ? "none" : "transform 150ms",
      }}
      {...swipe.handlers}
    >
      <div className="relative bg-black">
        <video
          src={clip.videoUrl ?? undefined}
          poster={clip.thumbUrl ?? undefined}
          controls
          autoPlay
          muted
          loop
          playsInline
          className="aspect-video w-full"
        />
        {dx !== 0 && (
          <span
            className={`absolute top-3 rounded-md px-2 py-1 text-sm font-bold ${dx > 0 ? "left-3 bg-emerald-500 text-emerald-950" : "right-3 bg-red-500 text-white"}`}
            style={{ opacity: swipe.progress }}
          >
            {dx > 0 ? "APPROVE" : "REJECT"}
          </span>
        )}
      </div>
      <div className="space-y-2 p-4">
        <div className="flex items-start justify-between gap-3">
          <h2 className="text-base font-semibold leading-snug">{clip.title}</h2>
          <Badge tone="brand" size="lg" className="shrink-0" title="Score">
            {clip.score}
          </Badge>
        </div>
        <p className="text-sm text-zinc-400">
          {clip.streamer.name} · at {formatClock(clip.startTime)} · {formatClock(clip.duration)} long
        </p>
        <p className="text-sm text-zinc-300">{clip.reason}</p>
        <Link
          href={`/clips/${clip.id}`}
          className="inline-block text-sm text-zinc-400 underline-offset-2 hover:underline"
        >
          Open clip page
        </Link>
      </div>
    </Card>
  );
}

/** The queue is empty. */
export function ReviewEmpty() {
  return (
    <Card className="mt-3 p-8 text-center" data-testid="review-empty">
      <p className="font-medium">All caught up</p>
      <p className="mt-1 text-sm text-zinc-400">New clips show up here on their own while your streams are live.</p>
      <Link href="/clips?review=APPROVED" className={buttonClass("ghost", "mt-4")}>
        See approved clips
      </Link>
    </Card>
  );
}
