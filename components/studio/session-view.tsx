"use client";
import Link from "next/link";
import { useState } from "react";
import type { TExportDto } from "@/lib/studio/exports";
import { LiveView } from "../live/live-view";
import { useCutClip, useSession } from "../hooks/use-session";
import { Badge } from "../ui/badge";
import { Button, buttonClass } from "../ui/button";
import { Card } from "../ui/card";
import { formatClock } from "../ui/format";
import { ActivityStrips } from "./activity-strips";
import { ExportList, ExportOptions } from "./export-panel";
import { RangeInputs, RangeTimeline, type TRangeValue } from "./range-timeline";

/** A live session's timeline: loudness, segments and clips; cut a manual clip from any range; export a selection. */
export function SessionView({ id }: { id: string }) {
  const q = useSession(id);
  const [picked, setRange] = useState<TRangeValue | null>(null);
  const [title, setTitle] = useState("");
  const [selected, setSelected] = useState<string[]>([]);
  const [batch, setBatch] = useState<string[]>([]);
  const duration = q.data?.session.duration ?? 0;
  // Until the user picks a range: 10 s around the middle of what is stored (nothing while no segment closed yet).
  const range =
    picked ??
    (duration > 0 ? { start: Math.max(0, duration / 2 - 5), end: Math.min(duration, duration / 2 + 5) } : null);
  const cut = useCutClip(id, { onSuccess: () => setTitle("") });

  if (q.error)
    return (
      <p role="alert" className="p-6 text-sm text-red-300">
        {q.error.message}
      </p>
    );
  if (!q.data) return <p className="p-6 text-sm text-zinc-400">Loading…</p>;
  const { session, segments, clips, loudness } = q.data;
  const w = { start: 0, end: Math.max(duration, 1) };
  const toggle = (cid: string) => setSelected((s) => (s.includes(cid) ? s.filter((x) => x !== cid) : [...s, cid]));
  const readyIds = selected.filter((cid) => clips.find((c) => c.id === cid)?.status === "READY");

  return (
    <main className="mx-auto max-w-5xl px-4 py-6">
      <Link href="/dashboard" className="text-sm text-zinc-400 hover:text-zinc-200">
        ← Dashboard
      </Link>
      <div className="mt-3 flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="flex items-center gap-2 text-xl font-semibold">
          {session.streamer.name}
          {session.replayPace && (
            <Badge tone="muted" size="xs" className="uppercase">
              Recorded
            </Badge>
          )}
        </h1>
        <p className="text-sm text-zinc-400">
          {session.status === "RECORDING" ? (
            <span className="text-rose-400">{session.replayPace ? "● replaying" : "● recording"}</span>
          ) : session.status === "FAILED" ? (
            "failed"
          ) : (
            "ended"
          )}{" "}
          · {formatClock(duration)} · {segments.length} segments · {clips.length} clips
        </p>
      </div>

      {/* A fast replay has no live edge to play. */}
      {session.status === "RECORDING" && session.replayPace !== "FAST" && (
        <LiveView sessionId={session.id} clips={clips} liveEdge={q.data.liveEdge} activity={q.data.activity} />
      )}

      <Card as="section" className="mt-4 p-3 sm:p-4" aria-label="Timeline">
        <h2 className="mb-3 text-xs font-semibold uppercase tracking-wide text-zinc-500">Timeline</h2>
        {range ? (
          <>
            <RangeTimeline
              label="Session loudness"
              window={w}
              peaks={loudness}
              value={range}
              onChange={setRange}
              markers={clips.map((c) => ({
                start: c.startTime,
                end: c.endTime,
                label: c.title,
                tone: c.status === "READY" ? ("clip" as const) : ("pending" as const),
                href: `/clips/${c.id}`,
              }))}
            />
            <p className="mt-2 text-[11px] uppercase tracking-wide text-zinc-600">Segments</p>
            <div className="relative mt-1 h-5 overflow-hidden rounded" aria-label="Segments">
              {segments.map((s) => (
                <span
                  key={s.id}
                  title={`Segment #${s.number} · ${formatClock(s.startOffset)}–${formatClock(s.startOffset + s.duration)}${s.stored ? "" : " · deleted"}`}
                  className={`absolute top-0 h-5 overflow-hidden border-l border-zinc-950 px-1 text-[10px] leading-5 ${
                    !s.stored
                      ? "bg-zinc-900 text-zinc-600"
                      : s.status === "ERROR"
                        ? "bg-red-500/20 text-red-200"
                        : s.status === "DONE"
                          ? "bg-zinc-700/70 text-zinc-300"
                          : "bg-zinc-800 text-zinc-400"
                  }`}
                  style={{ left: `${(s.startOffset / w.end) * 100}%`, width: `${(s.duration / w.end) * 100}%` }}
                  data-testid="session-segment"
                >
                  {s.duration / w.end > 0.05 ? `#${s.number}` : ""}
                </span>
              ))}
            </div>
            {q.data.activity && <ActivityStrips strips={q.data.activity} span={w.end} />}
            <div className="mt-4 grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
              <RangeInputs value={range} onChange={setRange} />
              <label className="text-xs text-zinc-400">
                Title (optional)
                <input
                  className="input text-sm"
                  value={title}
                  maxLength={120}
                  placeholder={`Clip at ${formatClock(range.start)}`}
                  onChange={(e) => setTitle(e.target.value)}
                />
              </label>
              <Button
                variant="primary"
                onClick={() => cut.mutate({ ...range, ...(title.trim() ? { title: title.trim() } : {}) })}
                disabled={cut.isPending}
              >
                Clip {(range.end - range.start).toFixed(1)} s
              </Button>
            </div>
          </>
        ) : (
          <p className="text-sm text-zinc-400" data-testid="timeline-empty">
            No segment stored yet: the timeline and range cuts start when the first segment closes
            {session.status === "RECORDING" ? "; use Clip that on the live stream meanwhile." : "."}
          </p>
        )}
        {cut.error && (
          <p role="alert" className="mt-2 text-sm text-red-300">
            {cut.error.message}
          </p>
        )}
      </Card>

      <Card as="section" className="mt-3 p-3 sm:p-4" aria-label="Clips">
        <h2 className="mb-3 text-xs font-semibold uppercase tracking-wide text-zinc-500">Clips</h2>
        {clips.length === 0 ? (
          <p className="text-sm text-zinc-400">No clips yet. Select a range above and clip it.</p>
        ) : (
          <ul className="grid gap-2 sm:grid-cols-2">
            {clips.map((c) => (
              <li
                key={c.id}
                className="flex min-w-0 items-center gap-3 rounded-lg bg-zinc-950 p-2 ring-1 ring-zinc-800"
                data-testid="session-clip"
              >
                <input
                  type="checkbox"
                  aria-label={`Select ${c.title}`}
                  checked={selected.includes(c.id)}
                  onChange={() => toggle(c.id)}
                  disabled={c.status !== "READY"}
                  className="size-4 accent-rose-500"
                />
                {c.thumbUrl ? (
                  // eslint-disable-next-line @next/next/no-img-element -- a signed /api/media thumbnail, already small
                  <img src={c.thumbUrl} alt="" className="h-12 w-20 rounded object-cover" />
                ) : (
                  <div className="grid h-12 w-20 place-items-center rounded bg-zinc-900 text-[10px] text-zinc-500">
                    {c.status === "ERROR" ? "failed" : "rendering"}
                  </div>
                )}
                <Link href={`/clips/${c.id}`} className="min-w-0 flex-1">
                  <span className="block truncate text-sm font-medium">{c.title}</span>
                  <span className="block text-xs tabular-nums text-zinc-500">
                    {formatClock(c.startTime)}–{formatClock(c.endTime)} ·{" "}
                    {c.engine === "manual" ? "manual" : `score ${c.score}`}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card as="section" className="mt-3 p-3 sm:p-4" aria-label="Export selected clips">
        <h2 className="mb-3 text-xs font-semibold uppercase tracking-wide text-zinc-500">
          Export selected ({readyIds.length})
        </h2>
        <ExportOptions
          clipIds={readyIds}
          cta={`Export ${readyIds.length} clip${readyIds.length === 1 ? "" : "s"}`}
          onCreated={(e: TExportDto[]) => setBatch(e.map((x) => x.id))}
        />
        {selected.length > 0 && (
          <a
            className={buttonClass("ghost", "mt-2 inline-block text-xs")}
            href={`/api/clips/metadata?ids=${selected.join(",")}`}
            download
          >
            Metadata of {selected.length} clip{selected.length === 1 ? "" : "s"} for other editors (.json)
          </a>
        )}
        {batch.length > 0 && (
          <div className="mt-3">
            <ExportList of={{ exportIds: batch }} />
          </div>
        )}
      </Card>
    </main>
  );
}
