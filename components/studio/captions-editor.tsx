"use client";
import { useCaptions, useResetCaptions, useSaveCaptions, type TCue } from "../hooks/use-captions";
import { useSyncedState } from "../hooks/use-synced-state";
import { Button, buttonClass } from "../ui/button";

const t = (s: number) => `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, "0")}`;

/** Caption cues (word-timed from the transcript) with editable text; saved cues are what SRT, WebVTT and exports use. */
export function CaptionsEditor({ clipId, version }: { clipId: string; version: string }) {
  const q = useCaptions(clipId, version);
  // The user's edits, kept over refetches (a pushed change of the clip refetches its captions while someone
  // types); dropped when the clip is re-cut (a new version has new cues) or once saved.
  const [edits, setCues] = useSyncedState<string, TCue[] | null>(version, () => null);
  const cues: TCue[] = edits ?? (q.data ? q.data.cues.map(({ start, end, text }) => ({ start, end, text })) : []);
  const save = useSaveCaptions(clipId, version);
  const reset = useResetCaptions(clipId);

  if (q.error)
    return (
      <p role="alert" className="text-sm text-red-300">
        {q.error.message}
      </p>
    );
  if (!q.data) return <p className="text-sm text-zinc-400">Loading captions…</p>;
  const dirty =
    JSON.stringify(cues) !== JSON.stringify(q.data.cues.map(({ start, end, text }) => ({ start, end, text })));

  return (
    <div className="space-y-3">
      {cues.length === 0 ? (
        <p className="text-sm text-zinc-400">No words were recognised in this clip.</p>
      ) : (
        <ol className="space-y-2" aria-label="Caption cues">
          {cues.map((c, i) => (
            <li key={i} className="flex flex-col gap-1 sm:flex-row sm:items-start sm:gap-2">
              <span className="shrink-0 text-xs tabular-nums text-zinc-500 sm:mt-3 sm:w-24">
                {t(c.start)}–{t(c.end)}
              </span>
              <input
                aria-label={`Caption ${i + 1}`}
                className="input mt-0 flex-1 text-sm"
                value={c.text}
                maxLength={200}
                onChange={(e) => setCues(cues.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)))}
              />
            </li>
          ))}
        </ol>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <span className="w-full text-xs text-zinc-500 sm:w-auto sm:flex-1">
          {q.data.edited ? "Edited" : "From the transcript"} · SRT, WebVTT and exports use these captions
        </span>
        <a className={buttonClass("ghost")} href={`/api/clips/${clipId}/captions?format=srt`} download>
          .srt
        </a>
        <a className={buttonClass("ghost")} href={`/api/clips/${clipId}/captions?format=vtt`} download>
          .vtt
        </a>
        {q.data.edited && (
          <Button variant="ghost" onClick={() => reset.mutate()} disabled={reset.isPending}>
            Use transcript
          </Button>
        )}
        <Button
          variant="primary"
          onClick={() =>
            save.mutate(
              cues.filter((c) => c.text.trim()),
              { onSuccess: () => setCues(null) },
            )
          }
          disabled={!dirty || save.isPending}
        >
          {save.isSuccess && !dirty ? "Saved" : "Save captions"}
        </Button>
      </div>
      {save.error && (
        <p role="alert" className="text-sm text-red-300">
          {save.error.message}
        </p>
      )}
    </div>
  );
}
