"use client";
import type { ChartConfiguration } from "chart.js";
import { useMemo, useState } from "react";
import type { TAnalytics, TGroupRow } from "@/lib/analytics/analytics";
import { useAnalytics } from "../hooks/use-analytics";
import { useDashboard } from "../hooks/use-dashboard";
import { filterField, filterLabel, useUrlFilters } from "../hooks/use-url-filters";
import { buttonClass } from "../ui/button";
import { Card } from "../ui/card";
import { ChartCanvas } from "./chart";

const KEYS = ["from", "to", "streamerId", "sessionId"] as const;

const ROSE = "#f43f5e";
const SKY = "#38bdf8";
const EMERALD = "#34d399";
const AMBER = "#fbbf24";

const fmt = (x: number | null | undefined, unit = "", digits = 1) =>
  x === null || x === undefined ? "—" : `${Number(x.toFixed(digits))}${unit}`;
const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)} %`);
const shortDay = (d: string) => d.slice(5);

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-lg bg-zinc-950 p-3 ring-1 ring-zinc-800">
      <p className="text-xs text-zinc-500">{label}</p>
      <p className="mt-1 text-xl font-semibold tabular-nums">{value}</p>
      {hint && <p className="text-[11px] text-zinc-500">{hint}</p>}
    </div>
  );
}

function charts(a: TAnalytics) {
  const labels = a.daily.map((d) => shortDay(d.day));
  const activity: ChartConfiguration = {
    type: "bar",
    data: {
      labels,
      datasets: [
        { type: "bar", label: "Clips", data: a.daily.map((d) => d.clips), backgroundColor: ROSE, yAxisID: "y" },
        {
          type: "line",
          label: "Hours recorded",
          data: a.daily.map((d) => d.hoursRecorded),
          borderColor: SKY,
          backgroundColor: SKY,
          yAxisID: "h",
          pointRadius: 2,
        },
      ],
    },
    options: {
      scales: {
        y: { beginAtZero: true, title: { display: true, text: "clips" }, ticks: { precision: 0 } },
        h: { beginAtZero: true, position: "right", grid: { display: false }, title: { display: true, text: "hours" } },
      },
    },
  };
  const review: ChartConfiguration = {
    type: "bar",
    data: {
      labels,
      datasets: [
        { label: "Approved", data: a.daily.map((d) => d.approved), backgroundColor: EMERALD, stack: "r" },
        { label: "Rejected", data: a.daily.map((d) => d.rejected), backgroundColor: "#71717a", stack: "r" },
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  };
  const quality: ChartConfiguration = {
    type: "line",
    data: {
      labels,
      datasets: [
        {
          label: "Average score",
          data: a.daily.map((d) => d.averageScore),
          borderColor: AMBER,
          backgroundColor: AMBER,
          yAxisID: "y",
          spanGaps: true,
        },
        {
          label: "Moment → clip, median (s)",
          data: a.daily.map((d) => d.latencyMedian),
          borderColor: SKY,
          backgroundColor: SKY,
          yAxisID: "s",
          spanGaps: true,
        },
      ],
    },
    options: {
      scales: {
        y: { min: 0, max: 100, title: { display: true, text: "score" } },
        s: {
          beginAtZero: true,
          position: "right",
          grid: { display: false },
          title: { display: true, text: "seconds" },
        },
      },
    },
  };
  const words = [...a.signals, ...a.keywords].slice(0, 12);
  const tags: ChartConfiguration = {
    type: "bar",
    data: {
      labels: words.map((w) => w.tag),
      datasets: [
        {
          label: "Clips",
          data: words.map((w) => w.clips),
          backgroundColor: words.map((w) => (a.signals.includes(w) ? AMBER : ROSE)),
        },
      ],
    },
    options: {
      indexAxis: "y",
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  };
  return { activity, review, quality, tags, words };
}

function GroupTable({ rows, kind, csv }: { rows: TGroupRow[]; kind: "streamers" | "sessions"; csv: string }) {
  return (
    <Card as="section" className="p-3 sm:p-4" aria-label={kind === "streamers" ? "Per streamer" : "Per session"}>
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">
          {kind === "streamers" ? "Per streamer" : "Per session"}
        </h2>
        <a className={buttonClass("ghost", "py-1 text-xs")} href={csv} download>
          CSV
        </a>
      </div>
      {rows.length === 0 ? (
        <p className="text-sm text-zinc-500">Nothing recorded in this range.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[36rem] text-left text-sm tabular-nums">
            <thead className="text-xs text-zinc-500">
              <tr>
                <th className="py-1 pr-2 font-medium">{kind === "streamers" ? "Streamer" : "Started"}</th>
                <th className="px-2 font-medium">Hours</th>
                <th className="px-2 font-medium">Clips</th>
                <th className="px-2 font-medium">Clips/h</th>
                <th className="px-2 font-medium">Approved</th>
                <th className="px-2 font-medium">Score</th>
                <th className="pl-2 font-medium">Moment → clip</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-800">
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="max-w-[12rem] truncate py-1.5 pr-2">
                    {kind === "streamers" ? r.name : new Date(r.startedAt!).toLocaleString()}
                  </td>
                  <td className="px-2">{fmt(r.hoursRecorded)}</td>
                  <td className="px-2">{r.clips}</td>
                  <td className="px-2">{fmt(r.clipsPerHour)}</td>
                  <td className="px-2">{pct(r.approvalRate)}</td>
                  <td className="px-2">{fmt(r.averageScore, "", 0)}</td>
                  <td className="pl-2">{fmt(r.latencyMedian, " s")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/** /analytics: the account's numbers over a date range, per streamer and session, as charts, tables and CSV. */
export function AnalyticsView() {
  const { filters, set } = useUrlFilters(KEYS);
  const [tz] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
  const qs = new URLSearchParams({ ...(filters as Record<string, string>), tz }).toString();
  const q = useAnalytics(qs);
  const { data: dash } = useDashboard({ refetchInterval: 60_000 });
  const a = q.data;
  const c = useMemo(() => (a ? charts(a) : null), [a]);
  const csv = (table: string) => `/api/analytics?${qs}&format=csv&table=${table}`;
  const sessions = (dash?.sessions ?? []).filter((s) => s.streamer.id === filters.streamerId);
  const field = filterField;
  const label = filterLabel;

  return (
    <main className="mx-auto max-w-6xl space-y-3 px-4 py-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-lg font-semibold">Analytics</h1>
        <a className={buttonClass("ghost", "text-xs")} href={csv("daily")} download>
          Download days as CSV
        </a>
      </div>
      <Card
        as="form"
        aria-label="Range"
        className="grid grid-cols-2 gap-3 p-3 sm:grid-cols-4"
        onSubmit={(e) => e.preventDefault()}
      >
        <label className={label}>
          From
          <input
            className={field}
            type="date"
            value={filters.from ?? a?.range.from ?? ""}
            onChange={(e) => set("from", e.target.value)}
          />
        </label>
        <label className={label}>
          To
          <input
            className={field}
            type="date"
            value={filters.to ?? a?.range.to ?? ""}
            onChange={(e) => set("to", e.target.value)}
          />
        </label>
        <label className={label}>
          Streamer
          <select
            className={field}
            value={filters.streamerId ?? ""}
            onChange={(e) => set("streamerId", e.target.value)}
          >
            <option value="">All streamers</option>
            {(dash?.streamers ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className={label}>
          Session
          <select
            className={field}
            value={filters.sessionId ?? ""}
            onChange={(e) => set("sessionId", e.target.value)}
            disabled={!filters.streamerId}
          >
            <option value="">{filters.streamerId ? "All sessions" : "Pick a streamer first"}</option>
            {sessions.map((s) => (
              <option key={s.id} value={s.id}>
                {new Date(s.startedAt).toLocaleString()}
              </option>
            ))}
          </select>
        </label>
      </Card>
      {q.error && (
        <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
          {q.error.message}
        </p>
      )}
      {!a ? (
        !q.error && <p className="text-sm text-zinc-500">Loading…</p>
      ) : (
        <>
          <section aria-label="Totals" className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
            <Stat
              label="Hours recorded"
              value={fmt(a.totals.hoursRecorded)}
              hint={`${a.totals.sessions} session${a.totals.sessions === 1 ? "" : "s"}`}
            />
            <Stat label="Clips" value={String(a.totals.clips)} />
            <Stat label="Clips per hour" value={fmt(a.totals.clipsPerHour)} />
            <Stat label="Approved" value={pct(a.totals.approvalRate)} hint={`of ${a.totals.reviewed} reviewed`} />
            <Stat label="Average score" value={fmt(a.totals.averageScore, "", 0)} />
            <Stat
              label="Moment → clip"
              value={a.totals.latency ? `${fmt(a.totals.latency.median)} s` : "—"}
              hint={
                a.totals.latency
                  ? `p95 ${fmt(a.totals.latency.p95)} s · ${a.totals.latency.clips} clips`
                  : "no live clips"
              }
            />
          </section>
          {c && (
            <div className="grid gap-3 lg:grid-cols-2">
              <Card as="section" className="p-3" aria-label="Clips and hours per day">
                <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-500">
                  Clips and hours per day
                </h2>
                <ChartCanvas
                  config={c.activity}
                  label="Clips and hours recorded per day"
                  summary={a.daily.map((d) => `${d.day}: ${d.clips} clips, ${d.hoursRecorded} h`).join("; ")}
                />
              </Card>
              <Card as="section" className="p-3" aria-label="Review decisions per day">
                <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-500">
                  Review decisions per day
                </h2>
                <ChartCanvas
                  config={c.review}
                  label="Approved and rejected clips per day"
                  summary={a.daily.map((d) => `${d.day}: ${d.approved} approved, ${d.rejected} rejected`).join("; ")}
                />
              </Card>
              <Card as="section" className="p-3" aria-label="Score and latency per day">
                <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-500">
                  Score and moment → clip
                </h2>
                <ChartCanvas
                  config={c.quality}
                  label="Average score and median moment-to-clip seconds per day"
                  summary={a.daily
                    .map((d) => `${d.day}: score ${d.averageScore ?? "none"}, ${d.latencyMedian ?? "no"} s`)
                    .join("; ")}
                />
              </Card>
              <Card as="section" className="p-3" aria-label="Top signals and keywords">
                <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-500">
                  Top signals <span className="text-amber-400">■</span> and keywords{" "}
                  <span className="text-rose-500">■</span>
                </h2>
                {c.words.length ? (
                  <ChartCanvas
                    config={c.tags}
                    label="Clips per signal and keyword"
                    summary={c.words.map((w) => `${w.tag}: ${w.clips}`).join("; ")}
                    height={Math.max(160, c.words.length * 24)}
                  />
                ) : (
                  <p className="text-sm text-zinc-500">No clips in this range.</p>
                )}
              </Card>
            </div>
          )}
          <GroupTable rows={a.streamers} kind="streamers" csv={csv("streamers")} />
          {(filters.streamerId || filters.sessionId) && (
            <GroupTable rows={a.sessions} kind="sessions" csv={csv("sessions")} />
          )}
          <p className="text-xs text-zinc-500">
            Days in {a.range.tz}. Hours count sessions started in the range (until they ended, or now); clips count
            those made in the range. Moment → clip: from the end of the moment in the stream to the clip being ready,
            for clips found live (not replays or hand-cut clips).
          </p>
        </>
      )}
    </main>
  );
}
