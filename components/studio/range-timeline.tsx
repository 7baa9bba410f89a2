"use client";
import { useRef } from "react";
import { formatClock } from "../ui/format";

export type TRangeValue = { start: number; end: number };
export type TMarker = {
  start: number;
  end: number;
  label: string;
  tone: "clip" | "segment" | "pending";
  href?: string;
};

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * A timeline over `window` (stream seconds): loudness bars, a selected range with two draggable handles
 * (pointer or arrow keys: 0.1 s, with Shift 1 s), an optional playhead, and marker rows below.
 */
export function RangeTimeline(props: {
  window: TRangeValue;
  peaks: (number | null)[];
  value: TRangeValue;
  onChange: (v: TRangeValue) => void;
  playhead?: number | null;
  markers?: TMarker[];
  minLength?: number;
  label: string;
}) {
  const { window: w, peaks, value, onChange } = props;
  const minLength = props.minLength ?? 1;
  const track = useRef<HTMLDivElement>(null);
  const span = Math.max(0.001, w.end - w.start);
  const pct = (t: number) => `${((Math.min(w.end, Math.max(w.start, t)) - w.start) / span) * 100}%`;

  const set = (which: "start" | "end", t: number) => {
    const v = r3(Math.min(w.end, Math.max(w.start, t)));
    if (which === "start") onChange({ start: Math.min(v, value.end - minLength), end: value.end });
    else onChange({ start: value.start, end: Math.max(v, value.start + minLength) });
  };
  const timeAt = (clientX: number) => {
    const box = track.current!.getBoundingClientRect();
    return w.start + ((clientX - box.left) / box.width) * span;
  };
  const drag = (which: "start" | "end") => (e: React.PointerEvent) => {
    e.preventDefault();
    (e.target as HTMLElement).setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => set(which, timeAt(ev.clientX));
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  };
  const keys = (which: "start" | "end") => (e: React.KeyboardEvent) => {
    const step = e.shiftKey ? 1 : 0.1;
    const cur = value[which];
    if (e.key === "ArrowLeft" || e.key === "ArrowDown") set(which, cur - step);
    else if (e.key === "ArrowRight" || e.key === "ArrowUp") set(which, cur + step);
    else return;
    e.preventDefault();
  };

  return (
    <div className="select-none">
      <div
        ref={track}
        className="relative h-20 touch-none overflow-hidden rounded-lg bg-zinc-950 ring-1 ring-zinc-800"
        aria-label={props.label}
        data-testid="waveform"
      >
        <div className="absolute inset-0 flex items-center gap-px px-0">
          {peaks.map((p, i) => (
            <span
              key={i}
              className="flex-1 rounded-sm bg-zinc-600"
              style={{ height: p === null ? "2px" : `${Math.max(4, p * 100)}%`, opacity: p === null ? 0.3 : 1 }}
            />
          ))}
        </div>
        <div className="absolute inset-y-0 bg-zinc-950/70" style={{ left: 0, width: pct(value.start) }} />
        <div className="absolute inset-y-0 right-0 bg-zinc-950/70" style={{ left: pct(value.end) }} />
        <div
          className="pointer-events-none absolute inset-y-0 border-y-2 border-rose-500/80 bg-rose-500/10"
          style={{ left: pct(value.start), right: `calc(100% - ${pct(value.end)})` }}
        />
        {props.playhead != null && props.playhead >= w.start && props.playhead <= w.end && (
          <div
            className="pointer-events-none absolute inset-y-0 w-0.5 bg-white/90"
            style={{ left: pct(props.playhead) }}
          />
        )}
        {(["start", "end"] as const).map((which) => (
          <button
            key={which}
            type="button"
            role="slider"
            aria-label={which === "start" ? "Range start" : "Range end"}
            aria-valuemin={r3(w.start)}
            aria-valuemax={r3(w.end)}
            aria-valuenow={value[which]}
            aria-valuetext={formatClock(value[which])}
            onPointerDown={drag(which)}
            onKeyDown={keys(which)}
            className="absolute inset-y-0 z-10 flex w-6 -translate-x-1/2 cursor-ew-resize items-center justify-center focus:outline-none focus-visible:ring-2 focus-visible:ring-white"
            style={{ left: pct(value[which]) }}
          >
            <span className="h-full w-1.5 rounded bg-rose-500" />
            <span className="absolute top-1/2 h-6 w-3 -translate-y-1/2 rounded bg-rose-500 shadow" />
          </button>
        ))}
      </div>
      {props.markers?.length ? <MarkerLanes markers={props.markers} pct={pct} /> : null}
      <div className="mt-1 flex justify-between text-[11px] tabular-nums text-zinc-500">
        <span>{formatClock(w.start)}</span>
        <span>{formatClock(w.end)}</span>
      </div>
    </div>
  );
}

/** Start/end number inputs (seconds, stream time) for exact values. */
export function RangeInputs({ value, onChange }: { value: TRangeValue; onChange: (v: TRangeValue) => void }) {
  return (
    <div className="grid grid-cols-2 gap-2">
      {(["start", "end"] as const).map((k) => (
        <label key={k} className="text-xs text-zinc-400">
          {k === "start" ? "Start (s)" : "End (s)"}
          <input
            type="number"
            step="0.1"
            min={0}
            className="input tabular-nums"
            value={value[k]}
            onChange={(e) => {
              const n = Number(e.target.value);
              if (Number.isFinite(n)) onChange({ ...value, [k]: r3(n) });
            }}
          />
        </label>
      ))}
    </div>
  );
}

/** Markers in as few rows as needed so overlapping ranges (a manual cut inside a detected clip) stay readable. */
function MarkerLanes({ markers, pct }: { markers: TMarker[]; pct: (t: number) => string }) {
  const lanes: number[] = [];
  const placed = [...markers]
    .sort((a, b) => a.start - b.start)
    .map((m) => {
      let lane = lanes.findIndex((end) => end <= m.start);
      if (lane < 0) lane = lanes.push(0) - 1;
      lanes[lane] = m.end;
      return { m, lane };
    });
  return (
    <div className="relative mt-1" style={{ height: `${lanes.length * 26}px` }} aria-label="Clips">
      {placed.map(({ m, lane }, i) => {
        const cls = `absolute h-6 truncate rounded px-1.5 text-[11px] leading-6 ${
          m.tone === "clip"
            ? "bg-emerald-500/25 text-emerald-100 ring-1 ring-emerald-500/50 hover:bg-emerald-500/40"
            : m.tone === "pending"
              ? "bg-amber-500/20 text-amber-100 ring-1 ring-amber-500/40"
              : "bg-zinc-800 text-zinc-400"
        }`;
        const style = {
          top: `${lane * 26}px`,
          left: pct(m.start),
          width: `max(1.5rem, calc(${pct(m.end)} - ${pct(m.start)}))`,
        };
        return m.href ? (
          <a key={i} href={m.href} className={cls} style={style} title={m.label}>
            {m.label}
          </a>
        ) : (
          <span key={i} className={cls} style={style} title={m.label}>
            {m.label}
          </span>
        );
      })}
    </div>
  );
}
