"use client";
import { useState } from "react";
import {
  EXPORT_LAYOUTS,
  EXPORT_PRESETS,
  LAYOUT_IDS,
  PRESET_IDS,
  type TExportLayout,
  type TExportPreset,
} from "@/lib/studio/export-presets";
import type { TExportDto } from "@/lib/studio/exports";
import { useCreateExports, useExports, type TExportsOf } from "../hooks/use-exports";
import { Button, buttonClass } from "../ui/button";

const limit = (p: TExportPreset) => {
  const x = EXPORT_PRESETS[p];
  const m =
    x.maxSeconds >= 120 && x.maxSeconds % 60
      ? `${Math.floor(x.maxSeconds / 60)}:${String(x.maxSeconds % 60).padStart(2, "0")}`
      : `${x.maxSeconds} s`;
  return `${x.width}×${x.height} · ${x.under ? "<" : "≤"} ${m}`;
};

/** Preset, layout and captions choices; `onCreated` receives the new exports. */
export function ExportOptions(props: {
  clipIds: string[];
  disabled?: boolean;
  onCreated?: (e: TExportDto[]) => void;
  cta?: string;
}) {
  const [preset, setPreset] = useState<TExportPreset>("youtube_shorts");
  const [layout, setLayout] = useState<TExportLayout>("blur");
  const [captions, setCaptions] = useState(true);
  const go = useCreateExports({ onSuccess: props.onCreated });
  return (
    <div className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="text-xs text-zinc-400">
          Platform
          <select className="input text-sm" value={preset} onChange={(e) => setPreset(e.target.value as TExportPreset)}>
            {PRESET_IDS.map((p) => (
              <option key={p} value={p}>
                {EXPORT_PRESETS[p].label} ({limit(p)})
              </option>
            ))}
          </select>
        </label>
        <fieldset className="text-xs text-zinc-400">
          <legend>Layout</legend>
          <div className="mt-1 grid grid-cols-3 gap-1 rounded-lg bg-zinc-950 p-1 ring-1 ring-zinc-800">
            {LAYOUT_IDS.map((l) => (
              <label
                key={l}
                className={`cursor-pointer rounded-md px-2 py-1.5 text-center text-xs ${layout === l ? "bg-rose-500 text-white" : "text-zinc-300 hover:bg-zinc-800"}`}
              >
                <input
                  type="radio"
                  name="layout"
                  value={l}
                  checked={layout === l}
                  onChange={() => setLayout(l)}
                  className="sr-only"
                />
                {EXPORT_LAYOUTS[l]}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex flex-1 items-center gap-2 text-sm text-zinc-300">
          <input
            type="checkbox"
            checked={captions}
            onChange={(e) => setCaptions(e.target.checked)}
            className="size-4 accent-rose-500"
          />
          Burn in captions
        </label>
        <Button
          variant="primary"
          onClick={() => go.mutate({ clipIds: props.clipIds, preset, layout, captions })}
          disabled={props.disabled || !props.clipIds.length || go.isPending}
        >
          {props.cta ?? "Export"}
        </Button>
      </div>
      {go.error && (
        <p role="alert" className="text-sm text-red-300">
          {go.error.message}
        </p>
      )}
    </div>
  );
}

/** Exports with live progress (polled while any is rendering), download links and the zip of the ready ones. */
export function ExportList({ of }: { of: TExportsOf }) {
  const q = useExports(of);
  const list = q.data?.exports ?? [];
  if (!list.length) return null;
  const ready = list.filter((e) => e.status === "READY");
  return (
    <div className="space-y-2">
      <ul className="space-y-2" aria-label="Exports">
        {list.map((e) => (
          <li
            key={e.id}
            className="rounded-lg bg-zinc-950 p-3 ring-1 ring-zinc-800"
            data-testid="export"
            data-status={e.status}
          >
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <span className="flex-1 truncate">
                <span className="font-medium">{e.presetLabel}</span>
                <span className="text-zinc-500">
                  {" "}
                  · {EXPORT_LAYOUTS[e.layout as TExportLayout] ?? e.layout}
                  {e.captions ? " · captions" : ""}
                </span>
                {list.some((x) => x.clipId !== e.clipId) && (
                  <span className="block truncate text-xs text-zinc-500">{e.clipTitle}</span>
                )}
              </span>
              {e.status === "READY" ? (
                <>
                  <span className="text-xs tabular-nums text-zinc-500">
                    {e.width}×{e.height}
                  </span>
                  {e.cropMaxSpeed != null && (
                    <span
                      className="text-xs tabular-nums text-zinc-500"
                      title="The crop's largest speed (source pixels a second)"
                    >
                      pan ≤ {Math.round(e.cropMaxSpeed)} px/s
                    </span>
                  )}
                  <a className={buttonClass("ghost", "py-1.5")} href={e.url!} download>
                    Download
                  </a>
                  {e.captionsUrl && (
                    <a className="text-xs text-zinc-400 underline" href={e.captionsUrl} download>
                      .srt
                    </a>
                  )}
                </>
              ) : e.status === "ERROR" ? (
                <span className="text-xs text-red-300">{e.error}</span>
              ) : (
                <span className="text-xs tabular-nums text-zinc-400">
                  {e.status === "PENDING" ? "queued" : `${Math.round(e.progress * 100)}%`}
                </span>
              )}
            </div>
            {(e.status === "PENDING" || e.status === "RENDERING") && (
              <div
                className="mt-2 h-1.5 overflow-hidden rounded bg-zinc-800"
                role="progressbar"
                aria-valuenow={Math.round(e.progress * 100)}
                aria-valuemin={0}
                aria-valuemax={100}
              >
                <div
                  className="h-full bg-rose-500 transition-all"
                  style={{ width: `${Math.max(3, e.progress * 100)}%` }}
                />
              </div>
            )}
          </li>
        ))}
      </ul>
      {ready.length > 1 && (
        <a
          className={buttonClass("ghost", "w-full")}
          href={`/api/exports/zip?ids=${ready.map((e) => e.id).join(",")}`}
          download
        >
          Download {ready.length} exports as .zip
        </a>
      )}
    </div>
  );
}

/** The clip page's export section (creating exports refetches the clip's list). */
export function ExportPanel({ clipId, ready }: { clipId: string; ready: boolean }) {
  return (
    <div className="space-y-3">
      <ExportOptions clipIds={[clipId]} disabled={!ready} />
      <ExportList of={{ clipId }} />
      <a className="block text-xs text-zinc-400 underline" href={`/api/clips/${clipId}/metadata`} download>
        Metadata for other editors (.json): stream range, word timings, captions, crop and layout
      </a>
    </div>
  );
}
