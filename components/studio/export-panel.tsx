"use client";
import { useState } from "react";
import type { TClipDto } from "@/lib/clips/clips";
import { CAPTION_STYLE_IDS, CAPTION_STYLES, type TCaptionStyleId } from "@/lib/studio/caption-styles";
import {
  EXPORT_LAYOUTS,
  EXPORT_PRESETS,
  LAYOUT_IDS,
  PRESET_IDS,
  type TExportLayout,
  type TExportPreset,
} from "@/lib/studio/export-presets";
import type { TExportDto } from "@/lib/studio/exports";
import { useCaptionStyle } from "../hooks/use-caption-style";
import { useCaptions } from "../hooks/use-captions";
import { useCreateExports, useExports, type TExportsOf } from "../hooks/use-exports";
import { Button, buttonClass } from "../ui/button";
import { CaptionFontFaces, CaptionPreview, CaptionSwatch } from "./caption-preview";

export type TExportChoice = {
  preset: TExportPreset;
  layout: TExportLayout;
  captions: boolean;
  captionStyle: TCaptionStyleId;
};

const limit = (p: TExportPreset) => {
  const x = EXPORT_PRESETS[p];
  const m =
    x.maxSeconds >= 120 && x.maxSeconds % 60
      ? `${Math.floor(x.maxSeconds / 60)}:${String(x.maxSeconds % 60).padStart(2, "0")}`
      : `${x.maxSeconds} s`;
  return `${x.width}×${x.height} · ${x.under ? "<" : "≤"} ${m}`;
};

/**
 * Preset, layout, captions and caption-style choices; `onCreated` receives the new exports, `preview` draws the
 * export as chosen beside the choices.
 */
export function ExportOptions(props: {
  clipIds: string[];
  disabled?: boolean;
  onCreated?: (e: TExportDto[]) => void;
  cta?: string;
  preview?: (choice: TExportChoice) => React.ReactNode;
}) {
  const [preset, setPreset] = useState<TExportPreset>("youtube_shorts");
  const [layout, setLayout] = useState<TExportLayout>("blur");
  const [captions, setCaptions] = useState(true);
  const [captionStyle, pickStyle] = useCaptionStyle();
  const go = useCreateExports({ onSuccess: props.onCreated });
  const choice = { preset, layout, captions, captionStyle };
  const portrait = EXPORT_PRESETS[preset].height > EXPORT_PRESETS[preset].width;
  // A portrait preview stands beside the choices, which then get one narrow column.
  const beside = Boolean(props.preview) && portrait;
  return (
    <div className={`flex flex-col gap-4 ${beside ? "sm:flex-row sm:items-start" : ""}`}>
      <CaptionFontFaces />
      {props.preview && <div className={beside ? "sm:w-60 sm:shrink-0" : ""}>{props.preview(choice)}</div>}
      <div className="min-w-0 flex-1 space-y-3">
        <div className={`grid gap-3 ${beside ? "" : "sm:grid-cols-2"}`}>
          <label className="text-xs text-zinc-400">
            Platform
            <select
              className="input text-sm"
              value={preset}
              onChange={(e) => setPreset(e.target.value as TExportPreset)}
            >
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
        <fieldset className="text-xs text-zinc-400" disabled={!captions}>
          <legend>Caption style</legend>
          <div
            className={`mt-1 grid grid-cols-2 gap-2 ${beside ? "" : "sm:grid-cols-4"} ${captions ? "" : "opacity-40"}`}
          >
            {CAPTION_STYLE_IDS.map((id) => (
              <label
                key={id}
                title={CAPTION_STYLES[id].description}
                className={`cursor-pointer rounded-lg bg-zinc-900 px-2 py-1.5 ring-2 has-[:focus-visible]:ring-rose-300 ${captionStyle === id ? "ring-rose-500" : "ring-transparent hover:ring-zinc-700"}`}
              >
                <input
                  type="radio"
                  name="captionStyle"
                  value={id}
                  checked={captionStyle === id}
                  onChange={() => pickStyle(id)}
                  className="sr-only"
                />
                <CaptionSwatch styleId={id} />
                <span className="mt-0.5 block text-[11px] text-zinc-300">{CAPTION_STYLES[id].label}</span>
              </label>
            ))}
          </div>
        </fieldset>
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
            onClick={() => go.mutate({ clipIds: props.clipIds, ...choice })}
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
                  {e.captions ? ` · ${e.captionStyleLabel} captions` : ""}
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

/** The clip page's export section: a preview of the export as chosen (creating exports refetches the clip's list). */
export function ExportPanel({ clip, ready }: { clip: TClipDto; ready: boolean }) {
  const captions = useCaptions(clip.id, `${clip.startTime}-${clip.endTime}`);
  return (
    <div className="space-y-3">
      <ExportOptions
        clipIds={[clip.id]}
        disabled={!ready}
        preview={(c) => (
          <CaptionPreview
            styleId={c.captions ? c.captionStyle : null}
            W={EXPORT_PRESETS[c.preset].width}
            H={EXPORT_PRESETS[c.preset].height}
            layout={c.layout}
            cues={captions.data?.cues ?? []}
            videoUrl={clip.videoUrl}
            posterUrl={clip.thumbUrl}
          />
        )}
      />
      <ExportList of={{ clipId: clip.id }} />
      <a className="block text-xs text-zinc-400 underline" href={`/api/clips/${clip.id}/metadata`} download>
        Metadata for other editors (.json): stream range, word timings, captions, crop and layout
      </a>
    </div>
  );
}
