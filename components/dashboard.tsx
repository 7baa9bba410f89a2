"use client";
import { useState } from "react";
import type { TDashboard } from "@/lib/dashboard/get-dashboard";
import { AddStreamerForm } from "./add-streamer-form";
import { ClipCard } from "./clip-card";
import { ImportRecordingForm } from "./import-recording-form";
import { useDashboard } from "./hooks/use-dashboard";
import { useRecordingControl, useSetWatching } from "./hooks/use-streamers";
import { RemoveStreamerDialog } from "./remove-streamer-dialog";
import { SessionTimeline } from "./session-timeline";
import { StreamerSettings } from "./streamer-settings";
import { Badge, type TBadgeTone } from "./ui/badge";
import { Card } from "./ui/card";
import { timeAgo } from "./ui/format";

/**
 * The live dashboard: one endpoint, refetched when the push channel reports a change (polled every 2 s
 * without it), so new segments and clips appear without a reload.
 */
export function Dashboard() {
  const { data, error, isPending } = useDashboard({ refetchInterval: 2_000 });
  if (isPending) return <p className="p-6 text-sm text-zinc-400">Loading…</p>;
  if (error)
    return (
      <p role="alert" className="p-6 text-sm text-red-300">
        {error.message}
      </p>
    );

  const live = data.sessions.filter((s) => s.status === "RECORDING");
  return (
    <div className="mx-auto grid max-w-6xl gap-6 px-4 py-6 lg:grid-cols-[320px_1fr]">
      <aside className="min-w-0 space-y-4">
        <AddStreamerForm />
        <Card as="section" className="p-4" aria-label="Streamers">
          <h2 className="mb-3 text-sm font-semibold">Streamers</h2>
          {data.streamers.length === 0 && <p className="text-sm text-zinc-400">Add a stream URL to start clipping.</p>}
          <ul className="space-y-2">
            {data.streamers.map((s) => (
              <StreamerRow key={s.id} streamer={s} />
            ))}
          </ul>
        </Card>
        <ImportRecordingForm streamers={data.streamers} />
        <p className="px-1 text-xs leading-relaxed text-zinc-500">
          Offline mode: speech is transcribed on this machine with PocketSphinx, which is fast but rough — transcripts
          and titles can be wrong. Set GROQ_API_KEY for Whisper-quality transcripts.
        </p>
      </aside>
      <div className="min-w-0 space-y-6">
        {live.length > 0 && (
          <section aria-label="Live now" className="space-y-3">
            <h2 className="text-sm font-semibold text-zinc-300">Live now</h2>
            {live.map((s) => (
              <SessionTimeline key={s.id} session={s} />
            ))}
          </section>
        )}
        <section aria-label="Clips">
          <h2 className="mb-3 text-sm font-semibold text-zinc-300">Latest clips</h2>
          {data.clips.length === 0 ? (
            <Card className="p-6 text-sm text-zinc-400">
              No clips yet. Clips appear here while the stream is still live, seconds after each moment.
            </Card>
          ) : (
            <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-3">
              {data.clips.map((c) => (
                <ClipCard key={c.id} clip={c} />
              ))}
            </div>
          )}
        </section>
        {data.sessions.some((s) => s.status !== "RECORDING") && (
          <section aria-label="Past sessions" className="space-y-3">
            <h2 className="text-sm font-semibold text-zinc-300">Past sessions</h2>
            {data.sessions
              .filter((s) => s.status !== "RECORDING")
              .map((s) => (
                <SessionTimeline key={s.id} session={s} />
              ))}
          </section>
        )}
      </div>
    </div>
  );
}

function StreamerRow({ streamer }: { streamer: TDashboard["streamers"][number] }) {
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const record = useRecordingControl(streamer.id);
  const watch = useSetWatching(streamer.id);
  const tone: TBadgeTone = streamer.status === "LIVE" ? "brand" : streamer.status === "ERROR" ? "warning" : "muted";
  return (
    <>
      <li className="rounded-lg bg-zinc-900 px-3 py-2">
        <div className="flex items-center justify-between gap-2">
          <p className="flex min-w-0 items-center gap-1.5 text-sm font-medium">
            <span className="truncate">{streamer.name}</span>
            <Badge data-testid="streamer-kind" tone="muted" size="xs" className="shrink-0 uppercase">
              {streamer.kind === "PUMPFUN" ? "pump.fun" : streamer.kind === "LIVEKIT" ? "LiveKit" : "URL"}
            </Badge>
          </p>
          <Badge data-testid="streamer-status" tone={tone} size="md" className="shrink-0">
            {streamer.status === "LIVE" ? "● LIVE" : streamer.status === "ERROR" ? "Error" : "Offline"}
          </Badge>
        </div>
        <div className="mt-1 flex flex-wrap items-center justify-between gap-x-2 gap-y-1">
          <p className="min-w-0 break-words text-xs text-zinc-500" title={streamer.source}>
            {streamer.lastError ??
              (!streamer.monitored
                ? "Not watching"
                : streamer.lastCheckedAt
                  ? `checked ${timeAgo(streamer.lastCheckedAt)}`
                  : "checking…")}
          </p>
          <div className="ml-auto flex shrink-0 items-center gap-2">
            <button
              className={
                streamer.recording
                  ? "rounded-full border border-red-500/50 px-2 py-0.5 text-xs text-red-300 hover:border-red-400 disabled:opacity-50"
                  : "rounded-full border border-zinc-700 px-2 py-0.5 text-xs text-zinc-300 hover:border-zinc-500 disabled:opacity-50"
              }
              aria-label={streamer.recording ? `Stop recording ${streamer.name}` : `Record ${streamer.name} now`}
              title={
                streamer.recording
                  ? "Stop this recording (clips stay; this broadcast is not recorded again unless you start it)."
                  : "Record now, without waiting for the next check."
              }
              disabled={record.isPending}
              onClick={() => record.mutate(streamer.recording ? "stop" : "start")}
            >
              {streamer.recording ? "■ Stop" : "● Record"}
            </button>
            <button
              className="rounded-full border border-zinc-700 px-2 py-0.5 text-xs text-zinc-300 hover:border-zinc-500 disabled:opacity-50 aria-pressed:border-emerald-500/50 aria-pressed:text-emerald-300"
              aria-pressed={streamer.monitored}
              aria-label={streamer.monitored ? `Stop watching ${streamer.name}` : `Watch ${streamer.name}`}
              title={
                streamer.monitored
                  ? "Watching: checked every 30 s and recorded while live. Click to stop (a recording in progress stops; clips stay)."
                  : "Not watching. Click to check it now and record it while live."
              }
              disabled={watch.isPending}
              onClick={() => watch.mutate(!streamer.monitored)}
            >
              {streamer.monitored ? "Watching" : "Watch"}
            </button>
            <button
              className="text-xs text-zinc-400 hover:text-zinc-200"
              aria-expanded={editing}
              aria-label={`Clip settings for ${streamer.name}`}
              onClick={() => setEditing((v) => !v)}
            >
              ⚙
            </button>
            <button
              className="text-xs text-zinc-500 hover:text-red-300"
              aria-label={`Remove ${streamer.name}`}
              onClick={() => setRemoving(true)}
            >
              ✕
            </button>
          </div>
        </div>
        {record.error && (
          <p role="alert" className="mt-1 text-xs text-red-300">
            {record.error.message}
          </p>
        )}
        {removing && <RemoveStreamerDialog streamer={streamer} onClose={() => setRemoving(false)} />}
      </li>
      {editing && (
        <li className="list-none">
          <StreamerSettings streamer={streamer} onDone={() => setEditing(false)} />
        </li>
      )}
    </>
  );
}
