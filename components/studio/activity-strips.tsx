"use client";
import type { TActivityStrips } from "@/lib/pumpfun/session-activity";
import { formatClock } from "../ui/format";

const H = 32;
/** The top TOP units (px) hold the strip's name and figure; the curve is drawn below them. */
const TOP = 13;
const MID = (H + TOP) / 2;

type TStrip = {
  key: string;
  label: string;
  values: (number | null)[];
  kind: "area" | "bars" | "line";
  color: string;
  value: string;
};

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/**
 * A pump.fun session's coin activity as light sparklines (inline SVG, no chart library), one strip per signal:
 * trades per second, net buys (SOL, up green / down red), market cap and chat messages per second. Their time
 * axis is the timeline's above them: 0 → `span` session seconds across the full width.
 */
export function ActivityStrips({ strips, span }: { strips: TActivityStrips; span: number }) {
  const b = strips.bucketSeconds;
  const perSecond = (xs: number[]) => xs.map((x) => x / b);
  const peak = (xs: number[]) => xs.reduce((m, x) => Math.max(m, x), 0);
  const caps = strips.marketCap.filter((c): c is number => c !== null);
  const capFirst = caps[0];
  const capLast = caps.at(-1);
  const capPct = capFirst && capLast ? ((capLast - capFirst) / capFirst) * 100 : 0;
  const rows: TStrip[] = [
    {
      key: "trades",
      label: "Trades/s",
      values: perSecond(strips.trades),
      kind: "area",
      color: "#38bdf8",
      value: `peak ${peak(perSecond(strips.trades)).toFixed(1)}`,
    },
    {
      key: "net",
      label: "Net buys",
      values: strips.netBuySol,
      kind: "bars",
      color: "#34d399",
      value: `${strips.netBuySol.reduce((s, x) => s + x, 0) >= 0 ? "+" : ""}${strips.netBuySol.reduce((s, x) => s + x, 0).toFixed(1)} SOL`,
    },
    {
      key: "cap",
      label: "Market cap",
      values: strips.marketCap,
      kind: "line",
      color: "#fbbf24",
      value: capLast ? `$${compact.format(capLast)} (${capPct >= 0 ? "+" : ""}${capPct.toFixed(0)} %)` : "—",
    },
    {
      key: "chat",
      label: "Chat/s",
      values: perSecond(strips.chat),
      kind: "area",
      color: "#c084fc",
      value: `peak ${peak(perSecond(strips.chat)).toFixed(1)}`,
    },
  ];
  return (
    <div className="mt-2 space-y-1" aria-label="Coin activity" data-testid="activity-strips">
      {rows.map((r) => (
        // Full width, so the strip's time axis is the timeline's; its name and figure sit on it.
        <div key={r.key} className="relative">
          <Sparkline strip={r} span={span} bucket={b} />
          <span className="pointer-events-none absolute left-1 top-0 rounded-sm bg-zinc-950/70 px-1 text-[10px] uppercase leading-[13px] tracking-wide text-zinc-400">
            {r.label}
          </span>
          <span className="pointer-events-none absolute right-1 top-0 rounded-sm bg-zinc-950/70 px-1 text-[10px] leading-[13px] tabular-nums text-zinc-300">
            {r.value}
          </span>
        </div>
      ))}
    </div>
  );
}

function Sparkline({ strip, span, bucket }: { strip: TStrip; span: number; bucket: number }) {
  const s = Math.max(1, span);
  const x = (i: number) => (((i + 0.5) * bucket) / s) * 100;
  const pts = strip.values.map((v, i) => ({ i, v })).filter((p) => p.v !== null && x(p.i) <= 100) as {
    i: number;
    v: number;
  }[];
  const label = `${strip.label} over ${formatClock(s)}: ${strip.value}`;
  let body: React.ReactNode = null;
  if (strip.kind === "bars") {
    const m = Math.max(1e-9, ...pts.map((p) => Math.abs(p.v)));
    const w = Math.max(0.3, (bucket / s) * 100 * 0.8);
    body = (
      <>
        <line x1="0" x2="100" y1={MID} y2={MID} stroke="#3f3f46" strokeWidth="0.5" vectorEffect="non-scaling-stroke" />
        {pts.map((p) => {
          const h = (Math.abs(p.v) / m) * (H - MID - 1);
          return (
            <rect
              key={p.i}
              x={x(p.i) - w / 2}
              width={w}
              y={p.v >= 0 ? MID - h : MID}
              height={Math.max(0.5, h)}
              fill={p.v >= 0 ? strip.color : "#f87171"}
            />
          );
        })}
      </>
    );
  } else if (pts.length) {
    const vs = pts.map((p) => p.v);
    const lo = strip.kind === "line" ? Math.min(...vs) : 0;
    const hi = Math.max(...vs);
    const y = (v: number) => H - 1 - ((v - lo) / Math.max(1e-9, hi - lo)) * (H - TOP - 2);
    const line = pts.map((p) => `${x(p.i).toFixed(2)},${y(p.v).toFixed(2)}`).join(" ");
    body =
      strip.kind === "area" ? (
        <polygon
          points={`${x(pts[0].i).toFixed(2)},${H} ${line} ${x(pts.at(-1)!.i).toFixed(2)},${H}`}
          fill={strip.color}
          fillOpacity="0.45"
          stroke={strip.color}
          strokeWidth="1"
          vectorEffect="non-scaling-stroke"
        />
      ) : (
        <polyline points={line} fill="none" stroke={strip.color} strokeWidth="1.5" vectorEffect="non-scaling-stroke" />
      );
  }
  return (
    <svg
      viewBox={`0 0 100 ${H}`}
      preserveAspectRatio="none"
      className="block h-8 w-full rounded bg-zinc-950 ring-1 ring-zinc-800"
      role="img"
      aria-label={label}
      data-testid={`activity-${strip.key}`}
    >
      {body}
    </svg>
  );
}
