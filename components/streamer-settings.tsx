"use client";
import { useState, type FormEvent } from "react";
import type { TDashboard } from "@/lib/dashboard/get-dashboard";
import { FacecamPicker } from "./facecam-picker";
import { useUpdateStreamer } from "./hooks/use-streamers";
import { LivekitIngress } from "./livekit-ingress";
import { Button } from "./ui/button";

type TStreamer = TDashboard["streamers"][number];

const PRESETS = [
  { label: "15–60 s", min: 15, max: 60 },
  { label: "30–90 s", min: 30, max: 90 },
  { label: "30–180 s", min: 30, max: 180 },
] as const;

/** Clip settings of one streamer: length range (presets or custom), minimum score, keywords, custom prompt. */
export function StreamerSettings({ streamer, onDone }: { streamer: TStreamer; onDone: () => void }) {
  const [min, setMin] = useState(streamer.minClipSeconds);
  const [max, setMax] = useState(streamer.maxClipSeconds);
  const [minScore, setMinScore] = useState(streamer.minScore);
  const [keywords, setKeywords] = useState(streamer.keywords.join(", "));
  const [customPrompt, setCustomPrompt] = useState(streamer.customPrompt ?? "");
  const [recordOutput, setRecordOutput] = useState(streamer.recordOutput);
  const [recordQuality, setRecordQuality] = useState(streamer.recordQuality);
  const [notify, setNotify] = useState(streamer.notify);
  const save = useUpdateStreamer(streamer.id, { onSuccess: onDone });
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    save.mutate({
      minClipSeconds: min,
      maxClipSeconds: max,
      minScore,
      keywords: keywords
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean),
      customPrompt,
      // Unchanged, not sent: a setting this server cannot make now does not block saving the others.
      ...(recordOutput !== streamer.recordOutput ? { recordOutput } : {}),
      ...(recordQuality !== streamer.recordQuality ? { recordQuality } : {}),
      notify,
    });
  }
  const num = (set: (n: number) => void) => (e: { target: { value: string } }) => set(Number(e.target.value));
  return (
    <>
      <form
        onSubmit={onSubmit}
        aria-label={`Clip settings for ${streamer.name}`}
        className="mt-2 space-y-3 rounded-lg bg-zinc-950 p-3"
      >
        <fieldset>
          <legend className="text-xs text-zinc-400">Clip length</legend>
          <div className="mt-1 flex flex-wrap gap-2">
            {PRESETS.map((p) => (
              <button
                key={p.label}
                type="button"
                aria-pressed={min === p.min && max === p.max}
                onClick={() => {
                  setMin(p.min);
                  setMax(p.max);
                }}
                className={`rounded px-2 py-1 text-xs ${min === p.min && max === p.max ? "bg-rose-500 text-white" : "bg-zinc-800 text-zinc-300"}`}
              >
                {p.label}
              </button>
            ))}
          </div>
          <div className="mt-2 grid grid-cols-2 gap-2">
            <label className="block">
              <span className="text-xs text-zinc-500">Min seconds</span>
              <input className="input" type="number" min={5} max={180} value={min} onChange={num(setMin)} />
            </label>
            <label className="block">
              <span className="text-xs text-zinc-500">Max seconds</span>
              <input className="input" type="number" min={5} max={180} value={max} onChange={num(setMax)} />
            </label>
          </div>
        </fieldset>
        <label className="block">
          <span className="text-xs text-zinc-400">Minimum score (0–100)</span>
          <input className="input" type="number" min={0} max={100} value={minScore} onChange={num(setMinScore)} />
        </label>
        <label className="block">
          <span className="text-xs text-zinc-400">Keywords (comma separated)</span>
          <input
            className="input"
            value={keywords}
            onChange={(e) => setKeywords(e.target.value)}
            placeholder="clutch, gg"
          />
        </label>
        <label className="block">
          <span className="text-xs text-zinc-400">What to clip (used by the Groq LLM detector)</span>
          <textarea
            className="input min-h-20"
            value={customPrompt}
            maxLength={1000}
            onChange={(e) => setCustomPrompt(e.target.value)}
            placeholder="Boss fights, big wins, jokes about the chat"
          />
        </label>
        <fieldset className="grid grid-cols-2 gap-2">
          <legend className="col-span-2 text-xs text-zinc-400">Recordings are stored as (from the next one)</legend>
          <label className="block">
            <span className="text-xs text-zinc-500">Format</span>
            <select
              className="input"
              value={recordOutput}
              onChange={(e) => setRecordOutput(e.target.value as typeof recordOutput)}
            >
              <option value="copy">As sent (stream copy)</option>
              <option value="mp4">MP4 · H.264/AAC</option>
              {streamer.kind === "URL" && <option value="webm">WebM · VP9/Opus</option>}
              {streamer.kind === "URL" && <option value="av1">AV1 · Opus</option>}
            </select>
          </label>
          <label className="block">
            <span className="text-xs text-zinc-500">Quality</span>
            <select
              className="input"
              value={recordQuality}
              disabled={recordOutput === "copy"}
              onChange={(e) => setRecordQuality(e.target.value as typeof recordQuality)}
            >
              <option value="low">Low · 480p</option>
              <option value="medium">Medium · 720p</option>
              <option value="high">High · 1080p</option>
            </select>
          </label>
        </fieldset>
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" className="mt-1" checked={notify} onChange={(e) => setNotify(e.target.checked)} />
          <span>
            Notify me when a clip is ready
            <span className="block text-xs text-zinc-500">
              On the devices where notifications are on (Settings → Notifications).
            </span>
          </span>
        </label>
        {save.error && (
          <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
            {save.error.message}
          </p>
        )}
        <div className="flex gap-2">
          <Button variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save settings"}
          </Button>
          <Button type="button" variant="ghost" onClick={onDone}>
            Cancel
          </Button>
        </div>
      </form>
      <FacecamPicker streamerId={streamer.id} name={streamer.name} />
      {streamer.kind === "LIVEKIT" && <LivekitIngress streamerId={streamer.id} />}
    </>
  );
}
