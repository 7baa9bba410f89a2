"use client";
import type Hls from "hls.js";
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import { Badge } from "../ui/badge";

/** What the live view asks of the player: where it is in session time, and moving there. */
export type TLivePlayerHandle = {
  /** The session second on screen (from EXT-X-PROGRAM-DATE-TIME), or null before playback starts. */
  position(): number | null;
  seekTo(sessionSeconds: number): void;
  goLive(): void;
};

/** Behind the edge by more than this many seconds, the badge says so and offers a jump back. */
const BEHIND_AFTER = 10;

/** Safari's HTMLMediaElement.getStartDate(): the program date of currentTime 0 (not in TypeScript's DOM types). */
type TNativeHlsVideo = HTMLVideoElement & { getStartDate?: () => Date };

/**
 * Plays the session's live playlist with hls.js (Safari: native HLS), muted so it may autoplay, a few parts
 * behind the edge (liveSyncDurationCount 2; hls.js speeds up to 1.25× to catch up after a stall). Reports
 * `position()` in session seconds: programDate − startedAt.
 */
export function LivePlayer({
  ref,
  ...props
}: {
  src: string;
  startedAt: string;
  onTick?: (s: { position: number | null; behind: number | null }) => void;
  ref?: Ref<TLivePlayerHandle>;
}) {
  const { src, startedAt, onTick } = props;
  const video = useRef<HTMLVideoElement>(null);
  const hls = useRef<Hls | null>(null);
  const [muted, setMuted] = useState(true);
  const [behind, setBehind] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const t0 = new Date(startedAt).getTime();

  const position = (): number | null => {
    const v = video.current as TNativeHlsVideo | null;
    if (!v) return null;
    if (hls.current) {
      const d = hls.current.playingDate;
      return d ? (d.getTime() - t0) / 1000 : null;
    }
    const start = v.getStartDate?.();
    return start && !Number.isNaN(start.getTime()) ? (start.getTime() + v.currentTime * 1000 - t0) / 1000 : null;
  };
  const behindEdge = (): number | null => {
    const v = video.current;
    if (!v) return null;
    if (hls.current) return hls.current.latency > 0 ? hls.current.latency : null;
    return v.seekable.length ? Math.max(0, v.seekable.end(v.seekable.length - 1) - v.currentTime) : null;
  };
  const goLive = () => {
    const v = video.current;
    if (!v) return;
    const edge =
      hls.current?.liveSyncPosition ?? (v.seekable.length ? v.seekable.end(v.seekable.length - 1) - 3 : null);
    if (edge != null) v.currentTime = edge;
    void v.play().catch(() => {});
  };
  useImperativeHandle(ref, () => ({
    position,
    seekTo: (t: number) => {
      const v = video.current;
      const p = position();
      if (v && p != null) v.currentTime = Math.max(0, v.currentTime + (t - p));
    },
    goLive,
  }));

  useEffect(() => {
    const v = video.current;
    if (!v) return;
    let destroyed = false;
    v.muted = true;
    // Safari's native HLS (it also exposes the program date, getStartDate()). Chromium now answers canPlayType
    // for HLS too but without getStartDate, so it gets hls.js, which maps positions to session time.
    if (v.canPlayType("application/vnd.apple.mpegurl") && typeof (v as TNativeHlsVideo).getStartDate === "function") {
      v.src = src;
      void v.play().catch(() => {});
      return () => {
        v.removeAttribute("src");
        v.load();
      };
    }
    void import("hls.js").then(({ default: Hls }) => {
      if (destroyed) return;
      if (!Hls.isSupported()) {
        setError("This browser cannot play live video.");
        return;
      }
      const h = new Hls({
        liveSyncDurationCount: 2,
        liveMaxLatencyDurationCount: 8,
        maxLiveSyncPlaybackRate: 1.25,
        backBufferLength: 30,
        manifestLoadingMaxRetry: 6,
        levelLoadingMaxRetry: 6,
      });
      hls.current = h;
      h.on(Hls.Events.ERROR, (_e, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR) setTimeout(() => !destroyed && h.startLoad(), 1_000);
        else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) h.recoverMediaError();
        else setError("The live video stopped; reload the page to try again.");
      });
      h.on(Hls.Events.MANIFEST_PARSED, () => void v.play().catch(() => {}));
      h.loadSource(src);
      h.attachMedia(v);
    });
    return () => {
      destroyed = true;
      hls.current?.destroy();
      hls.current = null;
    };
  }, [src]);

  useEffect(() => {
    const id = setInterval(() => {
      const b = behindEdge();
      setBehind(b);
      onTick?.({ position: position(), behind: b });
    }, 500);
    return () => clearInterval(id);
    // position/behindEdge read refs only; re-running on every render would reset the interval.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [onTick, t0]);

  const late = behind != null && behind > BEHIND_AFTER;
  return (
    <div className="relative overflow-hidden rounded-lg bg-black ring-1 ring-zinc-800">
      <video
        ref={video}
        className="aspect-video w-full bg-black"
        muted={muted}
        autoPlay
        playsInline
        aria-label="Live video"
        data-testid="live-video"
      />
      <div className="pointer-events-none absolute inset-x-2 top-2 flex items-center gap-2">
        {late ? (
          <button
            type="button"
            onClick={goLive}
            className="pointer-events-auto rounded bg-zinc-900/90 px-1.5 py-0.5 text-xs font-semibold text-zinc-100 ring-1 ring-zinc-600"
            data-testid="behind-live"
          >
            {Math.round(behind!)} s behind · Go live
          </button>
        ) : (
          <Badge tone="brand" size="sm" data-testid="live-badge">
            ● LIVE
          </Badge>
        )}
        {!late && behind != null && (
          <span className="rounded bg-black/60 px-1.5 py-0.5 text-[11px] tabular-nums text-zinc-300">
            {behind.toFixed(1)} s behind live
          </span>
        )}
      </div>
      <button
        type="button"
        onClick={() => {
          const v = video.current;
          if (!v) return;
          v.muted = !muted;
          setMuted(!muted);
          void v.play().catch(() => {});
        }}
        className="absolute bottom-2 right-2 flex items-center gap-1 rounded bg-black/70 px-2 py-1 text-xs font-semibold text-white ring-1 ring-white/20 hover:bg-black/90"
      >
        <SpeakerIcon muted={muted} />
        {muted ? "Unmute" : "Mute"}
      </button>
      {error && (
        <p role="alert" className="absolute inset-x-2 bottom-10 rounded bg-red-950/90 p-2 text-sm text-red-200">
          {error}
        </p>
      )}
    </div>
  );
}

function SpeakerIcon({ muted }: { muted: boolean }) {
  return (
    <svg viewBox="0 0 16 16" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden>
      <path d="M2 6h2.5L8 3v10L4.5 10H2z" fill="currentColor" />
      {muted ? <path d="M10.5 6l4 4m0-4l-4 4" /> : <path d="M10.5 5.5a3.5 3.5 0 010 5M12.5 3.5a6.5 6.5 0 010 9" />}
    </svg>
  );
}
