"use client";
import Link from "next/link";
import { useCallback, useRef, useState } from "react";
import type { TClipDto } from "@/lib/clips/clips";
import type { TLiveEdgeStatus } from "@/lib/pipeline/live-backpressure";
import type { TActivityStrips } from "@/lib/pumpfun/session-activity";
import { ActivityStrips } from "../studio/activity-strips";
import { useLiveEdge } from "../hooks/use-live";
import { Card } from "../ui/card";
import { ClipThat } from "./clip-that";
import { LiveEdgeLag } from "./live-edge-lag";
import { LivePlayer, type TLivePlayerHandle } from "./live-player";
import { LiveTimeline } from "./live-timeline";

/**
 * The session page while it records: the live stream from the rolling buffer, "Clip that", and the session's
 * clips as markers (from the session query: pushed, polled every 2 s while live without the push channel), and
 * how far behind live its clipping is when the machine cannot keep up (`liveEdge`, same query); a pump.fun coin's
 * trades, market cap and chat as strips under the live timeline (`activity`, same query).
 */
export function LiveView({
  sessionId,
  clips,
  liveEdge,
  activity = null,
}: {
  sessionId: string;
  clips: TClipDto[];
  liveEdge: TLiveEdgeStatus | null;
  activity?: TActivityStrips | null;
}) {
  const live = useLiveEdge(sessionId, true);
  const player = useRef<TLivePlayerHandle>(null);
  const [position, setPosition] = useState<number | null>(null);
  const [open, setOpen] = useState<TClipDto | null>(null);
  const onTick = useCallback((s: { position: number | null }) => setPosition(s.position), []);
  const edge = live.data;
  const shown = open && clips.find((c) => c.id === open.id && c.status === "READY");

  return (
    <Card as="section" className="mt-4 p-3 sm:p-4" aria-label="Live">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Live</h2>
        <LiveEdgeLag edge={liveEdge} />
      </div>
      {!edge ? (
        <div className="grid aspect-video w-full place-items-center rounded-lg bg-zinc-950 text-sm text-zinc-400 ring-1 ring-zinc-800">
          {live.isError ? "The live stream could not be loaded." : "Waiting for the live stream…"}
        </div>
      ) : (
        <>
          <LivePlayer ref={player} src={edge.playlistUrl} startedAt={edge.startedAt} onTick={onTick} />
          <div className="mt-3">
            <ClipThat sessionId={sessionId} position={() => player.current?.position() ?? null} />
          </div>
          <div className="mt-3">
            <LiveTimeline
              edge={edge.edge}
              bufferStart={edge.bufferStart}
              position={position}
              clips={clips}
              onSeek={(t) => player.current?.seekTo(t)}
              onOpen={setOpen}
            />
            {activity && <ActivityStrips strips={activity} span={Math.max(1, edge.edge)} />}
          </div>
          {shown && (
            <div className="mt-3 rounded-lg bg-zinc-950 p-2 ring-1 ring-zinc-800" data-testid="marker-preview">
              <div className="mb-2 flex items-baseline justify-between gap-2 text-sm">
                <span className="truncate font-medium">{shown.title}</span>
                <span className="flex shrink-0 gap-3">
                  <Link href={`/clips/${shown.id}`} className="text-zinc-300 underline hover:text-white">
                    Open
                  </Link>
                  <button type="button" className="text-zinc-400 hover:text-white" onClick={() => setOpen(null)}>
                    Close
                  </button>
                </span>
              </div>
              <video
                key={shown.id}
                src={shown.videoUrl ?? undefined}
                controls
                autoPlay
                playsInline
                className="aspect-video w-full rounded bg-black"
              />
            </div>
          )}
        </>
      )}
    </Card>
  );
}
