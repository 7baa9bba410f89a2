"use client";
import { useEffect, useRef, useState } from "react";
import type { TExportLayout } from "@/lib/studio/export-presets";
import {
  activeWord,
  CAPTION_FONTS,
  CAPTION_STYLES,
  captionBox,
  captionLines,
  emPerSize,
  isLit,
  timedWords,
  type TCaptionFontId,
  type TCaptionStyle,
  type TCaptionStyleId,
} from "@/lib/studio/caption-styles";

type TCueLike = { start: number; end: number; text: string; words?: { w: string; s: number; e: number }[] };

/**
 * The caption fonts as web fonts, from the same files libass burns with (/caption-fonts/<id>). The ascent and
 * descent overrides are the OS/2 win metrics libass lays lines out with, so a CSS line box is exactly the ASS
 * Fontsize tall and text sits on the same baseline.
 */
const FONT_FACES = Object.entries(CAPTION_FONTS)
  .map(
    ([id, f]) =>
      `@font-face{font-family:"${fontFamily(id as TCaptionFontId)}";src:url(/caption-fonts/${id}) format("${f.format}");` +
      `font-weight:${f.weight};font-display:block;ascent-override:${((f.winAscent / f.unitsPerEm) * 100).toFixed(3)}%;` +
      `descent-override:${((f.winDescent / f.unitsPerEm) * 100).toFixed(3)}%;line-gap-override:0%}`,
  )
  .join("");

function fontFamily(id: TCaptionFontId) {
  return `clipstream-caption-${id}`;
}

export function CaptionFontFaces() {
  return <style>{FONT_FACES}</style>;
}

const rgba = (p: { color: string; opacity: number }) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(p.color.slice(i, i + 2), 16));
  return `rgba(${r},${g},${b},${p.opacity})`;
};

/**
 * The caption of `cue` at time `t` drawn as libass draws it on a W×H output, inside a container whose width
 * stands for W (lengths in cqw): same font, line height, margins, line breaks, colours, outline, box and shadow.
 */
export function CaptionOverlay(props: { style: TCaptionStyle; W: number; H: number; cue: TCueLike | null; t: number }) {
  const { style, W, H, cue, t } = props;
  if (!cue) return null;
  const words = timedWords(cue, style.upperCase);
  const current = activeWord(words, cue.start, cue.end, t);
  if (current < 0) return null;
  const b = captionBox(style, W, H);
  const u = (px: number) => `${(px / W) * 100}cqw`;
  const font = CAPTION_FONTS[style.font];
  const lines = captionLines(
    style,
    words.map((w) => w.text),
    W,
    H,
  );
  return (
    <div
      aria-hidden
      data-testid="caption-overlay"
      className="pointer-events-none absolute text-center"
      style={{
        left: u(b.marginH),
        right: u(b.marginH),
        [style.position === "top" ? "top" : "bottom"]: u(b.marginV),
        fontFamily: `"${fontFamily(style.font)}", sans-serif`,
        fontWeight: font.weight,
        fontSize: u(b.size * emPerSize(font)),
        lineHeight: "normal",
        color: rgba(style.fill),
        WebkitTextStroke: b.outline ? `${u(2 * b.outline)} ${rgba(style.outline)}` : undefined,
        paintOrder: "stroke fill",
        textShadow: b.shadow ? `${u(b.shadow)} ${u(b.shadow)} 0 ${rgba(style.shadow)}` : undefined,
      }}
    >
      {lines.map((line, li) => (
        <div key={li}>
          <span
            style={
              style.box
                ? {
                    background: rgba(style.box),
                    padding: `${u(b.padding)} ${u(b.padding)}`,
                    boxDecorationBreak: "clone",
                  }
                : undefined
            }
          >
            {line.map((i, k) => (
              <span key={i}>
                {k > 0 && " "}
                <span
                  data-lit={isLit(style, i, current) || undefined}
                  style={isLit(style, i, current) ? { color: rgba(style.highlight) } : undefined}
                >
                  {words[i].text}
                </span>
              </span>
            ))}
          </span>
        </div>
      ))}
    </div>
  );
}

/**
 * The export as it will look: the preset's frame, the clip in the chosen layout, and the captions in the chosen
 * style, the spoken word lit as the video plays (the same timing as the burned-in file).
 */
export function CaptionPreview(props: {
  styleId: TCaptionStyleId | null;
  W: number;
  H: number;
  layout: TExportLayout;
  cues: TCueLike[];
  videoUrl: string | null;
  posterUrl: string | null;
}) {
  const { W, H, layout, cues } = props;
  const video = useRef<HTMLVideoElement>(null);
  const [t, setT] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [duration, setDuration] = useState(0);
  useEffect(() => {
    const v = video.current;
    if (!v) return;
    let raf = 0;
    const tick = () => {
      setT(v.currentTime);
      setPlaying(!v.paused);
      if (Number.isFinite(v.duration)) setDuration(v.duration);
      if (!v.paused) raf = requestAnimationFrame(tick);
    };
    const start = () => {
      cancelAnimationFrame(raf);
      tick();
    };
    const events = ["play", "pause", "ended", "seeked", "timeupdate", "loadedmetadata"] as const;
    events.forEach((e) => v.addEventListener(e, start));
    return () => {
      cancelAnimationFrame(raf);
      events.forEach((e) => v.removeEventListener(e, start));
    };
  }, [props.videoUrl]);
  const cue = cues.find((c) => t >= c.start && t < c.end) ?? null;
  const fit = layout === "crop" ? "object-cover" : "object-contain";
  const width = `min(100%, calc(26rem * ${W / H}))`;
  return (
    <div className="mx-auto" style={{ width }}>
      {/* The frame holds only what the export holds; the player's controls sit below it. */}
      <div
        className="relative overflow-hidden rounded-lg bg-black ring-1 ring-zinc-800"
        style={{ aspectRatio: `${W} / ${H}`, containerType: "inline-size" }}
        data-testid="caption-preview"
      >
        {layout === "blur" && props.posterUrl && (
          // eslint-disable-next-line @next/next/no-img-element -- a signed media URL, blurred behind the video
          <img
            src={props.posterUrl}
            alt=""
            className="absolute inset-0 size-full scale-110 object-cover blur-xl brightness-90"
          />
        )}
        {props.videoUrl ? (
          <video
            ref={video}
            src={props.videoUrl}
            poster={props.posterUrl ?? undefined}
            playsInline
            preload="metadata"
            aria-label="Export preview"
            className={`absolute inset-0 size-full ${fit}`}
            onClick={(e) => (e.currentTarget.paused ? e.currentTarget.play() : e.currentTarget.pause())}
          />
        ) : null}
        {props.styleId && <CaptionOverlay style={CAPTION_STYLES[props.styleId]} W={W} H={H} cue={cue} t={t} />}
      </div>
      {props.videoUrl && (
        <div className="mt-1.5 flex items-center gap-2 text-xs tabular-nums text-zinc-400">
          <button
            type="button"
            aria-label={playing ? "Pause preview" : "Play preview"}
            className="grid size-7 shrink-0 place-items-center rounded-full bg-zinc-800 text-zinc-100 hover:bg-zinc-700"
            onClick={() => (video.current?.paused ? video.current.play() : video.current?.pause())}
          >
            {playing ? "❚❚" : "▶"}
          </button>
          <input
            type="range"
            aria-label="Preview position"
            className="min-w-0 flex-1 accent-rose-500"
            min={0}
            max={duration || 0}
            step={0.01}
            value={Math.min(t, duration || 0)}
            onChange={(e) => {
              if (video.current) video.current.currentTime = Number(e.target.value);
            }}
          />
          <span>{t.toFixed(1)} s</span>
        </div>
      )}
    </div>
  );
}

/** A style's name drawn in the style itself, with its last word lit: the picker's label. */
export function CaptionSwatch({ styleId }: { styleId: TCaptionStyleId }) {
  const style = CAPTION_STYLES[styleId];
  const font = CAPTION_FONTS[style.font];
  const words = `Say it loud`.split(" ").map((w) => (style.upperCase ? w.toUpperCase() : w));
  return (
    <span
      aria-hidden
      className="block truncate text-lg leading-tight"
      style={{
        fontFamily: `"${fontFamily(style.font)}", sans-serif`,
        fontWeight: font.weight,
        color: rgba(style.fill),
        WebkitTextStroke: style.outline.width ? `3px ${rgba(style.outline)}` : undefined,
        paintOrder: "stroke fill",
      }}
    >
      <span style={style.box ? { background: rgba(style.box), padding: "0 0.2em" } : undefined}>
        {words.map((w, i) => (
          <span key={i} style={i === words.length - 1 ? { color: rgba(style.highlight) } : undefined}>
            {i > 0 && " "}
            {w}
          </span>
        ))}
      </span>
    </span>
  );
}
