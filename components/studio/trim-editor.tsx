"use client";
import { useEffect, useRef, useState } from "react";
import type { TClipDto } from "@/lib/clips/clips";
import { useSyncedState } from "../hooks/use-synced-state";
import { useTrimClip, useTrimPreview, useWaveform } from "../hooks/use-trim";
import { Button } from "../ui/button";
import { formatClock } from "../ui/format";
import { RangeInputs, RangeTimeline, type TRangeValue } from "./range-timeline";

/** Trim: drag the range over the waveform, watch it loop in the preview, apply to re-render the clip. */
export function TrimEditor({ clip }: { clip: TClipDto }) {
  const wave = useWaveform(clip);
  const preview = useTrimPreview(clip.id, wave.data?.window, !!wave.data?.stored);
  // Starts over when the clip's stored range changes (a trim applied).
  const [range, setRange] = useSyncedState(`${clip.startTime}-${clip.endTime}`, (): TRangeValue => ({
    start: clip.startTime,
    end: clip.endTime,
  }));
  const [playhead, setPlayhead] = useState<number | null>(null);

  const video = useRef<HTMLVideoElement>(null);
  const offset = preview.data?.window.start ?? 0;
  // Seek the preview to the range whenever it changes; loop inside it while playing.
  useEffect(() => {
    const v = video.current;
    if (v && preview.data && v.readyState >= 1) v.currentTime = range.start - offset;
  }, [range.start, range.end, preview.data, offset]);
  const onTime = () => {
    const v = video.current!;
    const t = v.currentTime + offset;
    setPlayhead(t);
    if (t >= range.end || t < range.start - 0.25) v.currentTime = range.start - offset;
  };

  const trim = useTrimClip(clip.id);

  if (wave.error)
    return (
      <p role="alert" className="text-sm text-red-300">
        {wave.error.message}
      </p>
    );
  if (!wave.data) return <p className="text-sm text-zinc-400">Loading waveform…</p>;
  if (!wave.data.stored)
    return (
      <p className="text-sm text-zinc-400">
        The recording around this clip was deleted after the retention period, so it can no longer be trimmed.
      </p>
    );
  const changed = Math.abs(range.start - clip.startTime) > 0.0005 || Math.abs(range.end - clip.endTime) > 0.0005;
  const pending = clip.trim;

  return (
    <div className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-[minmax(0,3fr)_minmax(0,2fr)] sm:items-start">
        <div className="overflow-hidden rounded-lg bg-black">
          {preview.data ? (
            <video
              ref={video}
              src={preview.data.url}
              muted
              playsInline
              controls
              onLoadedMetadata={(e) => (e.currentTarget.currentTime = range.start - offset)}
              onTimeUpdate={onTime}
              className="aspect-video w-full"
              aria-label="Trim preview"
              data-testid="trim-preview"
            />
          ) : (
            <div className="grid aspect-video place-items-center text-sm text-zinc-400">
              {preview.error ? preview.error.message : "Preparing preview…"}
            </div>
          )}
        </div>
        <div className="space-y-3">
          <p className="text-sm text-zinc-400">
            Drag the handles or type exact times (stream seconds). The preview loops the selected range.
          </p>
          <RangeInputs value={range} onChange={setRange} />
        </div>
      </div>
      <RangeTimeline
        label="Clip waveform"
        window={wave.data.window}
        peaks={wave.data.peaks}
        value={range}
        onChange={setRange}
        playhead={playhead}
        markers={[
          { start: clip.startTime, end: clip.endTime, label: "current", tone: "clip" },
          ...(pending ? [{ ...pending, label: "rendering", tone: "pending" as const }] : []),
        ]}
      />
      <div className="flex flex-wrap items-center gap-3">
        <p className="flex-1 text-sm tabular-nums text-zinc-300" data-testid="trim-summary">
          {formatClock(range.start)}–{formatClock(range.end)} · {(range.end - range.start).toFixed(1)} s
        </p>
        <Button
          variant="ghost"
          onClick={() => setRange({ start: clip.startTime, end: clip.endTime })}
          disabled={!changed}
        >
          Reset
        </Button>
        <Button variant="primary" onClick={() => trim.mutate(range)} disabled={!changed || !!pending || trim.isPending}>
          Apply trim
        </Button>
      </div>
      {pending && (
        <p role="status" className="text-sm text-amber-200">
          Rendering {formatClock(pending.start)}–{formatClock(pending.end)}… the current clip stays until the new one is
          ready.
        </p>
      )}
      {trim.error && (
        <p role="alert" className="text-sm text-red-300">
          {trim.error.message}
        </p>
      )}
      {clip.trimError && !pending && (
        <p role="alert" className="text-sm text-red-300">
          {clip.trimError}
        </p>
      )}
    </div>
  );
}
