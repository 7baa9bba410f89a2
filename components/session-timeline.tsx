"use client";
import Link from "next/link";
import type { TDashboard } from "@/lib/dashboard/get-dashboard";
import { LiveEdgeLag } from "./live/live-edge-lag";
import { useRedetectSegment, useRetrySegment } from "./hooks/use-segments";
import { useRetryReplay, useStopSession } from "./hooks/use-streamers";
import { Badge } from "./ui/badge";
import { Card } from "./ui/card";
import { formatClock, timeAgo } from "./ui/format";

type TSession = TDashboard["sessions"][number];
type TSegment = TSession["segments"][number];

const STAGE: Record<string, string> = {
  extracting_audio: "extracting audio",
  transcribing: "transcribing",
  detecting: "finding highlights",
  rendering: "rendering clips",
};

function segmentLabel(s: TSegment): string {
  if (s.deleted) return "deleted (retention)";
  if (s.status === "PROCESSING") return STAGE[s.stage ?? ""] ?? "processing";
  return { READY: "ready", DONE: "done", ERROR: "error", RECORDING: "recording", PROCESSING: "processing" }[s.status];
}

/** A session's segments as a strip: recording → ready → processing (with progress) → done / error. */
export function SessionTimeline({ session }: { session: TSession }) {
  const live = session.status === "RECORDING";
  return (
    <Card className="p-4" data-testid="session">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-sm font-medium">
          <Link href={`/sessions/${session.id}`} className="hover:underline">
            {session.streamer.name}
          </Link>{" "}
          {session.replayPace && (
            <Badge
              tone="muted"
              size="xs"
              className="mr-1 uppercase"
              title={
                session.replayPace === "LIVE"
                  ? "An imported recording, replayed in real time"
                  : "An imported recording, replayed as fast as this machine can"
              }
            >
              Recorded
            </Badge>
          )}
          <span className={live ? "text-rose-400" : "text-zinc-500"}>
            {live
              ? session.replayPace
                ? "● replaying"
                : "● recording"
              : session.status === "FAILED"
                ? "failed"
                : "ended"}
          </span>{" "}
          {live && <LiveEdgeLag edge={session.liveEdge} />}
        </p>
        <p className="flex items-center gap-2 text-xs text-zinc-500">
          started {timeAgo(session.startedAt)} · {session.segmentCount} segments · {session.clipCount} clips
          {live && session.replayPace && <StopReplay sessionId={session.id} />}
          {session.status === "FAILED" && session.replayPace && session.segmentCount === 0 && (
            <RetryReplay sessionId={session.id} />
          )}
        </p>
      </div>
      <ol className="mt-3 flex gap-1.5 overflow-x-auto pb-1" aria-label="Segments">
        {session.segments.map((s) => (
          <SegmentChip key={s.id} segment={s} />
        ))}
        {live && (
          <li className="flex min-w-20 flex-col justify-center rounded-md border border-dashed border-rose-500/60 px-2 py-1.5 text-xs text-rose-300">
            <span className="animate-pulse">{session.replayPace ? "● replaying" : "● recording"}</span>
            <span className="text-zinc-500">#{session.segmentCount}</span>
          </li>
        )}
      </ol>
    </Card>
  );
}

function SegmentChip({ segment: s }: { segment: TSegment }) {
  const retry = useRetrySegment(s.id);
  const redetect = useRedetectSegment(s.id);
  const tone =
    s.status === "DONE"
      ? "border-emerald-600/50 bg-emerald-500/10"
      : s.status === "ERROR"
        ? "border-red-600/60 bg-red-500/10"
        : "border-zinc-700 bg-zinc-800/60";
  return (
    <li
      className={`relative min-w-20 overflow-hidden rounded-md border px-2 py-1.5 text-xs ${tone}`}
      data-testid="segment"
      data-status={s.status}
      title={s.error ?? `${formatClock(s.startOffset)}–${formatClock(s.startOffset + s.duration)}`}
    >
      <span className="block font-medium tabular-nums">#{s.number}</span>
      <span className="block text-zinc-400">{segmentLabel(s)}</span>
      {s.status === "PROCESSING" && (
        <span
          className="absolute inset-x-0 bottom-0 h-0.5 bg-rose-500 transition-all"
          style={{ width: `${Math.round(s.progress * 100)}%` }}
        />
      )}
      {s.status === "ERROR" && !s.deleted && (
        <button className="mt-1 text-rose-300 underline" onClick={() => retry.mutate()} disabled={retry.isPending}>
          retry
        </button>
      )}
      {s.status === "DONE" && !s.deleted && (
        <button
          className="mt-1 text-zinc-300 underline"
          aria-label={`Re-detect clips in segment ${s.number} with current settings`}
          title={
            redetect.error?.message ??
            "Find clips again with the streamer's current settings (unshared clips are replaced)"
          }
          onClick={() => redetect.mutate()}
          disabled={redetect.isPending || redetect.isSuccess}
        >
          {redetect.isSuccess ? "queued" : "re-detect"}
        </button>
      )}
    </li>
  );
}

/** Starts again a replay whose start failed (e.g. the recorder was down); says why if it fails again. */
function RetryReplay({ sessionId }: { sessionId: string }) {
  const retry = useRetryReplay(sessionId);
  return (
    <>
      <button
        className="whitespace-nowrap rounded-full border border-zinc-600 px-2 py-0.5 text-xs text-zinc-200 hover:border-zinc-400 disabled:opacity-50"
        disabled={retry.isPending}
        onClick={() => retry.mutate()}
      >
        ↻ Replay again
      </button>
      {retry.error && (
        <span role="alert" className="text-red-300">
          {retry.error.message}
        </span>
      )}
    </>
  );
}

/** Stops a replay in progress (its segments so far are clipped as usual). */
function StopReplay({ sessionId }: { sessionId: string }) {
  const stop = useStopSession(sessionId);
  return (
    <button
      className="whitespace-nowrap rounded-full border border-red-500/50 px-2 py-0.5 text-xs text-red-300 hover:border-red-400 disabled:opacity-50"
      disabled={stop.isPending}
      onClick={() => stop.mutate()}
    >
      ■ Stop replay
    </button>
  );
}
