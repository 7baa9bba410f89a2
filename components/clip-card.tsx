import Link from "next/link";
import type { TClipDto } from "@/lib/clips/clips";
import { Badge } from "./ui/badge";
import { Card } from "./ui/card";
import { formatClock } from "./ui/format";

export function ClipCard({ clip }: { clip: TClipDto }) {
  return (
    <Card
      as={Link}
      href={`/clips/${clip.id}`}
      className="group block overflow-hidden transition hover:border-zinc-600"
      aria-label={`Clip: ${clip.title}`}
      data-status={clip.status}
    >
      <div className="relative aspect-video bg-zinc-800">
        {clip.thumbUrl ? (
          // eslint-disable-next-line @next/next/no-img-element
          <img src={clip.thumbUrl} alt="" className="size-full object-cover" />
        ) : (
          <div className="grid size-full place-items-center text-xs text-zinc-400">
            {clip.status === "ERROR" ? "Render failed" : "Rendering…"}
          </div>
        )}
        <span className="absolute bottom-2 right-2 rounded bg-black/70 px-1.5 py-0.5 text-xs tabular-nums">
          {formatClock(clip.duration)}
        </span>
        <Badge tone="brand" size="sm" className="absolute left-2 top-2">
          {clip.score}
        </Badge>
      </div>
      <div className="p-3">
        <p className="line-clamp-2 text-sm font-medium">{clip.title}</p>
        <p className="mt-1 text-xs text-zinc-400">
          {clip.streamer.name} · at {formatClock(clip.startTime)}
        </p>
      </div>
    </Card>
  );
}
