"use client";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useSearch } from "./hooks/use-search";
import { Button } from "./ui/button";
import { Card } from "./ui/card";
import { formatClock } from "./ui/format";

const HIT_START = "\u27e6";
const HIT_END = "\u27e7";

/** Renders ts_headline's marked snippet as text with <mark>s (never as HTML). */
function Snippet({ text }: { text: string }) {
  const parts = text.split(new RegExp(`(${HIT_START}[^${HIT_END}]*${HIT_END})`));
  return (
    <>
      {parts.map((p, i) =>
        p.startsWith(HIT_START) ? (
          <mark key={i} className="rounded bg-rose-500/25 px-0.5 text-rose-100">
            {p.slice(1, -1)}
          </mark>
        ) : (
          <span key={i}>{p}</span>
        ),
      )}
    </>
  );
}

export function SearchView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const q = params.get("q") ?? "";
  const [draft, setDraft] = useState(q);
  const { data, error, isFetching } = useSearch(q);

  return (
    <main className="mx-auto max-w-3xl px-4 py-4">
      <h1 className="text-lg font-semibold">Search</h1>
      <form
        role="search"
        className="mt-3 flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          router.replace(`${pathname}?q=${encodeURIComponent(draft.trim())}`);
        }}
      >
        <input
          type="search"
          aria-label="Search transcripts and clip titles"
          placeholder="What was said, or a clip title…"
          className="input mt-0 min-w-0 flex-1"
          value={draft}
          maxLength={200}
          onChange={(e) => setDraft(e.target.value)}
        />
        <Button variant="primary" className="shrink-0" type="submit">
          Search
        </Button>
      </form>
      <p className="mt-2 text-xs text-zinc-500">
        Words are matched by stem (“streaming” finds “stream”). Use quotes for an exact phrase, -word to exclude.
      </p>

      {error && (
        <p role="alert" className="mt-4 text-sm text-red-300">
          {error.message}
        </p>
      )}
      {isFetching && !data && <p className="mt-4 text-sm text-zinc-400">Searching…</p>}
      {data && (
        <div className="mt-4 space-y-6">
          {data.clips.length > 0 && (
            <section aria-label="Matching clip titles">
              <h2 className="mb-2 text-sm font-semibold text-zinc-300">Clips</h2>
              <ul className="space-y-2">
                {data.clips.map((c) => (
                  <li key={c.id}>
                    <Card
                      as={Link}
                      href={`/clips/${c.id}`}
                      className="flex items-center gap-3 p-2 hover:border-zinc-600"
                    >
                      <div className="aspect-video w-24 shrink-0 overflow-hidden rounded-md bg-zinc-800">
                        {/* eslint-disable-next-line @next/next/no-img-element */}
                        {c.thumbUrl && <img src={c.thumbUrl} alt="" className="size-full object-cover" />}
                      </div>
                      <div className="min-w-0">
                        <p className="truncate text-sm font-medium">{c.title}</p>
                        <p className="text-xs text-zinc-400">
                          {c.streamerName} · at {formatClock(c.startTime)} · score {c.score}
                        </p>
                      </div>
                    </Card>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section aria-label="Spoken matches">
            <h2 className="mb-2 text-sm font-semibold text-zinc-300">Said on stream</h2>
            {data.moments.length === 0 ? (
              <p className="text-sm text-zinc-400">
                {data.clips.length ? "No transcript matches." : `Nothing found for “${data.q}”.`}
              </p>
            ) : (
              <ul className="space-y-2">
                {data.moments.map((m) => (
                  <Card as="li" key={m.segmentId} className="p-3" data-testid="search-moment">
                    <p className="text-xs text-zinc-400">
                      {m.streamer.name} · at <span className="tabular-nums">{formatClock(m.at)}</span> in the stream
                    </p>
                    <p className="mt-1 text-sm leading-relaxed">
                      <Snippet text={m.snippet} />
                    </p>
                    {m.clip ? (
                      <Link
                        href={`/clips/${m.clip.id}?t=${m.clip.offset}`}
                        className="mt-2 inline-flex text-sm font-medium text-rose-400 hover:text-rose-300"
                      >
                        ▶ Play from this moment in “{m.clip.title}”
                      </Link>
                    ) : (
                      <p className="mt-2 text-xs text-zinc-500">No clip covers this moment.</p>
                    )}
                  </Card>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </main>
  );
}
