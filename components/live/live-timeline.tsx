"use client";
import type { TClipDto } from "@/lib/clips/clips";
import { formatClock } from "../ui/format";

/**
 * The session so far (0 → live edge): the buffered stretch the player can seek in, the playhead, and one
 * marker per clip from the moment its row exists (amber while rendering, green and playable once READY).
 */
export function LiveTimeline(props: {
  edge: number;
  bufferStart: number;
  position: number | null;
  clips: TClipDto[];
  onSeek: (sessionSeconds: number) => void;
  onOpen: (clip: TClipDto) => void;
}) {
  const { edge, bufferStart, position, clips } = props;
  const span = Math.max(1, edge);
  const pct = (t: number) => `${(Math.min(span, Math.max(0, t)) / span) * 100}%`;
  const lanes: number[] = [];
  const placed = [...clips]
    .sort((a, b) => a.startTime - b.startTime)
    .map((c) => {
      let lane = lanes.findIndex((end) => end <= c.startTime);
      if (lane < 0) lane = lanes.push(0) - 1;
      lanes[lane] = c.endTime;
      return { c, lane };
    });

  return (
    <div className="select-none">
      <div
        className="relative h-8 cursor-pointer overflow-hidden rounded bg-zinc-950 ring-1 ring-zinc-800"
        aria-label="Live timeline"
        onClick={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          const t = ((e.clientX - box.left) / box.width) * span;
          if (t >= bufferStart) props.onSeek(Math.min(t, edge));
        }}
      >
        <div
          className="absolute inset-y-0 bg-zinc-700/60"
          style={{ left: pct(bufferStart), right: 0 }}
          title="Buffered: click to watch from there"
        />
        {position != null && (
          <div
            className="pointer-events-none absolute inset-y-0 w-0.5 bg-white"
            style={{ left: pct(position) }}
            data-testid="live-playhead"
          />
        )}
        <span className="pointer-events-none absolute right-1 top-1/2 -translate-y-1/2 text-[10px] font-semibold text-rose-400">
          LIVE
        </span>
      </div>
      <div
        className="relative mt-1"
        style={{ height: `${Math.max(1, lanes.length) * 26}px` }}
        aria-label="Clip markers"
      >
        {placed.length === 0 && <p className="text-xs text-zinc-500">Clips appear here the moment they are cut.</p>}
        {placed.map(({ c, lane }) => {
          const ready = c.status === "READY";
          const failed = c.status === "ERROR";
          return (
            <button
              key={c.id}
              type="button"
              disabled={!ready}
              onClick={() => props.onOpen(c)}
              title={`${c.title} · ${formatClock(c.startTime)}–${formatClock(c.endTime)}${ready ? "" : failed ? " · failed" : " · rendering"}`}
              aria-label={`Clip: ${c.title}${ready ? "" : failed ? " (failed)" : " (rendering)"}`}
              data-testid="live-marker"
              data-status={c.status}
              className={`absolute h-6 truncate rounded px-1.5 text-left text-[11px] leading-6 ${
                ready
                  ? "bg-emerald-500/25 text-emerald-100 ring-1 ring-emerald-500/50 hover:bg-emerald-500/40"
                  : failed
                    ? "bg-red-500/20 text-red-200 ring-1 ring-red-500/40"
                    : "animate-pulse bg-amber-500/20 text-amber-100 ring-1 ring-amber-500/40"
              }`}
              style={{
                top: `${lane * 26}px`,
                left: pct(c.startTime),
                width: `max(1.5rem, calc(${pct(c.endTime)} - ${pct(c.startTime)}))`,
              }}
            >
              {ready ? "▶ " : ""}
              {c.title}
            </button>
          );
        })}
      </div>
      <div className="mt-1 flex justify-between text-[11px] tabular-nums text-zinc-500">
        <span>0:00</span>
        <span>{formatClock(edge)}</span>
      </div>
    </div>
  );
}
