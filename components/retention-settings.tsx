"use client";
import type { FormEvent } from "react";
import { useSaveSettings, useSettings } from "./hooks/use-settings";
import { useSyncedState } from "./hooks/use-synced-state";
import { Button } from "./ui/button";
import { Card } from "./ui/card";

/** How long raw recordings and transcripts are kept (clips stay). GET/PATCH /api/settings. */
export function RetentionSettings() {
  const q = useSettings();
  const [hours, setHours] = useSyncedState(q.data?.settings.retentionHours, (h) => (h === undefined ? "" : String(h)));
  const save = useSaveSettings();
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    save.mutate({ retentionHours: Number(hours) });
  }
  return (
    <Card as="form" onSubmit={onSubmit} className="space-y-3 p-4" aria-label="Retention">
      <h2 className="text-sm font-semibold">Retention</h2>
      <p className="text-xs text-zinc-400">
        Raw recordings and transcripts are deleted this many hours after they were recorded. Clips are kept.
      </p>
      <label className="block">
        <span className="text-xs text-zinc-400">Keep recordings for (hours, 1–720)</span>
        <input
          className="input"
          name="retentionHours"
          type="number"
          inputMode="numeric"
          min={1}
          max={720}
          step={1}
          value={hours}
          onChange={(e) => setHours(e.target.value)}
          disabled={q.isPending}
          required
        />
      </label>
      {(save.error || q.error) && (
        <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
          {(save.error ?? q.error)!.message}
        </p>
      )}
      {save.isSuccess && !save.isPending && (
        <p role="status" className="text-sm text-emerald-300">
          Saved.
        </p>
      )}
      <Button variant="primary" className="w-full sm:w-auto" disabled={save.isPending || q.isPending}>
        {save.isPending ? "Saving…" : "Save"}
      </Button>
    </Card>
  );
}
