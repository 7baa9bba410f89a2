"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import { DetailedError, Upload } from "tus-js-client";
import { apiFetch } from "@/lib/query-client";
import { queryKeys } from "./hooks/query-keys";
import { Button } from "./ui/button";
import { Card } from "./ui/card";

/** Upload chunk size: under the proxy's 10 MB request body limit; each chunk is one resumable step. */
const CHUNK_BYTES = 8 * 1024 * 1024;

type TState = { phase: "idle" | "uploading" | "starting" | "done"; progress?: number; error?: string };

/** The error a refused upload request carries (`{ error: { message } }`), or the client's own. */
function uploadError(err: Error): string {
  if (err instanceof DetailedError && err.originalResponse) {
    try {
      const body = JSON.parse(err.originalResponse.getBody()) as { error?: { message?: string } };
      if (body.error?.message) return body.error.message;
    } catch {
      // not the app's JSON
    }
  }
  return `The upload stopped: ${err.message.split("\n")[0]}`;
}

/**
 * "Import a recording": a file (a resumable tus upload to /api/uploads, with progress; a dropped connection
 * resumes where it stopped) or a VOD URL (POST /api/streamers/[id]/replays), replayed into one of the user's
 * streamers as fast as the machine can, or in real time ("replay as live").
 */
export function ImportRecordingForm({ streamers }: { streamers: { id: string; name: string }[] }) {
  const qc = useQueryClient();
  const [state, setState] = useState<TState>({ phase: "idle" });
  const [from, setFrom] = useState<"file" | "url">("file");
  const uploadRef = useRef<Upload | null>(null);
  const busy = state.phase === "uploading" || state.phase === "starting";

  const started = () => {
    setState({ phase: "done" });
    void qc.invalidateQueries({ queryKey: queryKeys.dashboard() });
  };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const streamerId = String(data.get("streamerId"));
    const pace = data.get("live") ? "live" : "fast";
    if (from === "url") {
      setState({ phase: "starting" });
      try {
        await apiFetch(`/api/streamers/${streamerId}/replays`, {
          method: "POST",
          body: JSON.stringify({ url: String(data.get("url")), pace }),
        });
        started();
      } catch (err) {
        setState({ phase: "idle", error: (err as Error).message });
      }
      return;
    }
    const file = data.get("file");
    if (!(file instanceof File) || !file.size) return setState({ phase: "idle", error: "Choose a file to upload." });
    const upload = new Upload(file, {
      endpoint: "/api/uploads",
      chunkSize: CHUNK_BYTES,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      metadata: { filename: file.name, filetype: file.type, streamerId, pace },
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) =>
        setState({ phase: sent === total ? "starting" : "uploading", progress: total ? sent / total : 0 }),
      onError: (err) => setState({ phase: "idle", error: uploadError(err) }),
      onSuccess: started,
    });
    uploadRef.current = upload;
    setState({ phase: "uploading", progress: 0 });
    // The same file picked again after a drop or a reload continues from what the server has.
    const previous = await upload.findPreviousUploads();
    if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
    upload.start();
  }

  if (!streamers.length) return null;
  return (
    <Card as="form" onSubmit={onSubmit} className="space-y-3 p-4" aria-label="Import a recording">
      <h2 className="text-sm font-semibold">Import a recording</h2>
      <p className="text-xs text-zinc-400">
        A past broadcast (a file, or an HLS VOD / .mp4 link) goes through the same clipping as a live stream.
      </p>
      <label className="block">
        <span className="text-xs text-zinc-400">Into streamer</span>
        <select name="streamerId" className="input" disabled={busy}>
          {streamers.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <div role="radiogroup" aria-label="From" className="flex gap-4 text-sm">
        {(["file", "url"] as const).map((f) => (
          <label key={f} className="flex items-center gap-1.5">
            <input type="radio" name="from" checked={from === f} onChange={() => setFrom(f)} disabled={busy} />
            {f === "file" ? "A file" : "A link"}
          </label>
        ))}
      </div>
      {from === "file" ? (
        <label className="block">
          <span className="text-xs text-zinc-400">Recording file</span>
          <input
            name="file"
            type="file"
            accept="video/*,audio/*,.ts,.mkv,.flv"
            className="block w-full text-sm text-zinc-300 file:mr-3 file:rounded-md file:border-0 file:bg-zinc-800 file:px-3 file:py-1.5 file:text-zinc-200"
            required
            disabled={busy}
          />
        </label>
      ) : (
        <label className="block">
          <span className="text-xs text-zinc-400">Recording URL</span>
          <input
            name="url"
            type="text"
            inputMode="url"
            className="input"
            placeholder="https://example.com/vod/broadcast.m3u8"
            required
            disabled={busy}
          />
        </label>
      )}
      <label className="flex items-start gap-2 text-sm text-zinc-300">
        <input type="checkbox" name="live" className="mt-1" disabled={busy} />
        <span>
          Replay in real time
          <span className="block text-xs text-zinc-500">
            As if live, with the live view and live clips (for demos and for trying detection settings). Otherwise as
            fast as this machine can.
          </span>
        </span>
      </label>
      {state.phase === "uploading" && (
        <div>
          <progress
            className="h-2 w-full overflow-hidden rounded accent-rose-500"
            aria-label="Upload progress"
            value={state.progress ?? 0}
            max={1}
          />
          <p className="mt-1 text-xs text-zinc-400">Uploading… {Math.floor((state.progress ?? 0) * 100)} %</p>
        </div>
      )}
      {state.error && (
        <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
          {state.error}
        </p>
      )}
      {state.phase === "done" && (
        <p role="status" className="text-sm text-emerald-300">
          Replaying: its session is under Live now, and clips appear as it goes.
        </p>
      )}
      <div className="flex gap-2">
        <Button variant="primary" disabled={busy}>
          {state.phase === "starting" ? "Starting…" : state.phase === "uploading" ? "Uploading…" : "Import"}
        </Button>
        {state.phase === "uploading" && (
          <Button
            type="button"
            onClick={() => {
              void uploadRef.current?.abort(true);
              setState({ phase: "idle" });
            }}
          >
            Cancel
          </Button>
        )}
      </div>
    </Card>
  );
}
