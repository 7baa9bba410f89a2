"use client";
import { useState } from "react";
import { ClipCard } from "./clip-card";
import { useClips } from "./hooks/use-clips";
import { useDashboard } from "./hooks/use-dashboard";
import { filterField, filterLabel, useUrlFilters } from "./hooks/use-url-filters";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { Card } from "./ui/card";

const FILTERS = ["streamerId", "sessionId", "review", "favorite", "minScore", "from", "to"] as const;

/** All clips with filters kept in the URL (shareable, back button works), 24 per page, polled for new clips. */
export function ClipGallery() {
  const [showFilters, setShowFilters] = useState(false);
  const { filters, set, clear } = useUrlFilters(FILTERS);
  const qs = new URLSearchParams(filters as Record<string, string>).toString();

  const { data: dash } = useDashboard({ refetchInterval: 15_000 });
  const clips = useClips(qs);
  const items = clips.data?.pages.flatMap((p) => p.clips) ?? [];
  const sessions = (dash?.sessions ?? []).filter((s) => !filters.streamerId || s.streamer.id === filters.streamerId);

  const label = filterLabel;
  const field = filterField;
  const active = Object.keys(filters).length;
  return (
    <main className="mx-auto max-w-6xl px-4 py-4">
      <div className="flex items-center justify-between gap-3">
        <h1 className="text-lg font-semibold">Clips</h1>
        <div className="flex items-center gap-2">
          {active > 0 && (
            <button type="button" className="text-sm text-zinc-400 hover:text-zinc-200" onClick={clear}>
              Clear filters
            </button>
          )}
          <Button
            type="button"
            variant="ghost"
            className="sm:hidden"
            aria-expanded={showFilters}
            onClick={() => setShowFilters((v) => !v)}
          >
            Filters{active ? ` · ${active}` : ""}
          </Button>
        </div>
      </div>
      <Card
        as="form"
        aria-label="Filters"
        className={`mt-3 ${showFilters ? "grid" : "hidden"} grid-cols-2 gap-3 p-3 sm:grid sm:grid-cols-4 lg:grid-cols-7`}
        onSubmit={(e) => e.preventDefault()}
      >
        <label className={label}>
          Streamer
          <select
            className={field}
            value={filters.streamerId ?? ""}
            onChange={(e) => set("streamerId", e.target.value)}
          >
            <option value="">All</option>
            {dash?.streamers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className={label}>
          Session
          <select className={field} value={filters.sessionId ?? ""} onChange={(e) => set("sessionId", e.target.value)}>
            <option value="">All</option>
            {sessions.map((s) => (
              <option key={s.id} value={s.id}>
                {s.streamer.name} ·{" "}
                {new Date(s.startedAt).toLocaleString(undefined, {
                  month: "short",
                  day: "numeric",
                  hour: "2-digit",
                  minute: "2-digit",
                })}
              </option>
            ))}
          </select>
        </label>
        <label className={label}>
          Status
          <select className={field} value={filters.review ?? ""} onChange={(e) => set("review", e.target.value)}>
            <option value="">Any</option>
            <option value="PENDING">To review</option>
            <option value="APPROVED">Approved</option>
            <option value="REJECTED">Rejected</option>
          </select>
        </label>
        <label className={label}>
          Min score
          <select className={field} value={filters.minScore ?? ""} onChange={(e) => set("minScore", e.target.value)}>
            <option value="">Any</option>
            {[40, 50, 60, 70, 80, 90].map((n) => (
              <option key={n} value={n}>
                {n}+
              </option>
            ))}
          </select>
        </label>
        <label className={label}>
          From
          <input
            type="date"
            className={field}
            value={filters.from ?? ""}
            onChange={(e) => set("from", e.target.value)}
          />
        </label>
        <label className={label}>
          To
          <input type="date" className={field} value={filters.to ?? ""} onChange={(e) => set("to", e.target.value)} />
        </label>
        <label className="col-span-2 flex h-10 items-center gap-2 self-end text-sm text-zinc-300 sm:col-span-1">
          <input
            type="checkbox"
            className="size-4 accent-rose-500"
            checked={filters.favorite === "true"}
            onChange={(e) => set("favorite", e.target.checked ? "true" : "")}
          />
          Favourites only
        </label>
      </Card>

      {clips.error && (
        <p role="alert" className="mt-4 text-sm text-red-300">
          {clips.error.message}
        </p>
      )}
      {clips.isPending ? (
        <p className="mt-6 text-sm text-zinc-400">Loading…</p>
      ) : items.length === 0 ? (
        <Card as="p" className="mt-4 p-6 text-center text-sm text-zinc-400">
          No clips match these filters.
        </Card>
      ) : (
        <section
          aria-label="Clip gallery"
          className="mt-4 grid grid-cols-1 gap-3 min-[480px]:grid-cols-2 md:grid-cols-3 lg:grid-cols-4"
        >
          {items.map((c) => (
            <div key={c.id} className="relative" data-testid="gallery-clip" data-review={c.review}>
              <ClipCard clip={c} />
              {(c.review !== "PENDING" || c.favorite) && (
                <span className="pointer-events-none absolute right-2 top-2 flex gap-1 text-xs font-semibold">
                  {c.favorite && <Badge tone="favorite">★</Badge>}
                  {c.review === "APPROVED" && <Badge tone="success">Approved</Badge>}
                  {c.review === "REJECTED" && <Badge tone="neutral">Rejected</Badge>}
                </span>
              )}
            </div>
          ))}
        </section>
      )}
      {clips.hasNextPage && (
        <div className="mt-4 flex justify-center">
          <Button variant="ghost" onClick={() => clips.fetchNextPage()} disabled={clips.isFetchingNextPage}>
            {clips.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        </div>
      )}
    </main>
  );
}
