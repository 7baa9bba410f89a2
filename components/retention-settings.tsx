"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { apiFetch } from "@/lib/query-client";

type TSettings = { settings: { retentionHours: number } };

/** How long raw recordings and transcripts are kept (clips stay). GET/PATCH /api/settings. */
export function RetentionSettings() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ["settings"], queryFn: () => apiFetch<TSettings>("/api/settings") });
  const [hours, setHours] = useState("");
  useEffect(() => {
    if (q.data) setHours(String(q.data.settings.retentionHours));
  }, [q.data]);
  const save = useMutation({
    mutationFn: () => apiFetch<TSettings>("/api/settings", { method: "PATCH", body: JSON.stringify({ retentionHours: Number(hours) }) }),
    onSuccess: (data) => qc.setQueryData(["settings"], data),
  });
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }
  return (
    <form onSubmit={onSubmit} className="card space-y-3 p-4" aria-label="Retention">
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
      {save.isSuccess && !save.isPending && <p role="status" className="text-sm text-emerald-300">Saved.</p>}
      <button className="btn-primary w-full sm:w-auto" disabled={save.isPending || q.isPending}>
        {save.isPending ? "Saving…" : "Save"}
      </button>
    </form>
  );
}
