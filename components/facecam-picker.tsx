"use client";
import { useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import { dragBox, type TDragMode, type TPoint } from "@/lib/studio/reframe/drag-box";
import { ZFacecamBox, type TFacecamBox } from "@/lib/studio/reframe/facecam-box";
import { SPLIT_TOP_SHARE } from "@/lib/studio/reframe/split-filter";
import { useFacecam, useSetFacecam } from "./hooks/use-facecam";
import { Button } from "./ui/button";

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const same = (a: TFacecamBox | null, b: TFacecamBox | null) =>
  a === b || (!!a && !!b && a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h);

/**
 * The streamer's facecam box for the "Facecam + content" export layout: drawn by dragging on a still frame of
 * the stream (drag inside the box to move it, its corner to resize it), or typed in as percentages.
 */
export function FacecamPicker({ streamerId, name }: { streamerId: string; name: string }) {
  const q = useFacecam(streamerId);
  const save = useSetFacecam(streamerId);
  const saved = q.data?.facecamBox ?? null;
  const [draft, setDraft] = useState<TFacecamBox | null>(null);
  const [aspect, setAspect] = useState(16 / 9);
  const area = useRef<HTMLDivElement>(null);
  const drag = useRef<{ mode: TDragMode; start: TFacecamBox | null; from: TPoint } | null>(null);
  const box = draft ?? saved;
  const valid = box ? ZFacecamBox.safeParse(box) : null;
  const frameUrl = q.data?.frame?.url ?? null;

  function point(e: ReactPointerEvent): TPoint {
    const r = area.current!.getBoundingClientRect();
    return { x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height };
  }
  function onPointerDown(e: ReactPointerEvent<HTMLDivElement>) {
    const target = e.target as HTMLElement;
    const mode: TDragMode = target.dataset.handle === "resize" ? "resize" : target.dataset.box ? "move" : "draw";
    drag.current = { mode, start: box, from: point(e) };
    e.currentTarget.setPointerCapture(e.pointerId);
    if (mode === "draw") setDraft(dragBox("draw", null, drag.current.from, drag.current.from));
    e.preventDefault();
  }
  function onPointerMove(e: ReactPointerEvent<HTMLDivElement>) {
    const d = drag.current;
    if (d) setDraft(dragBox(d.mode, d.start, d.from, point(e)));
  }
  const field = (key: keyof TFacecamBox, label: string) => (
    <label className="block">
      <span className="text-xs text-zinc-500">{label}</span>
      <input
        className="input"
        type="number"
        min={0}
        max={100}
        step={0.5}
        value={box ? Math.round(box[key] * 1000) / 10 : ""}
        placeholder="–"
        onChange={(e) =>
          setDraft({ ...(box ?? { x: 0, y: 0, w: 0.25, h: 0.25 }), [key]: Number(e.target.value) / 100 })
        }
      />
    </label>
  );

  return (
    <section aria-label={`Facecam box for ${name}`} className="mt-2 space-y-3 rounded-lg bg-zinc-950 p-3">
      <div>
        <h3 className="text-sm font-medium text-zinc-200">Facecam box</h3>
        <p className="text-xs text-zinc-500">
          For the <span className="text-zinc-300">Facecam + content</span> export: drag on the frame where the facecam
          is. Drag inside the box to move it, its corner to resize it.
        </p>
      </div>
      <div className="grid gap-3">
        <div
          ref={area}
          role="group"
          aria-label="Stream frame: drag to draw the facecam box"
          className="relative w-full cursor-crosshair touch-none select-none overflow-hidden rounded-md bg-zinc-900"
          style={{ aspectRatio: String(aspect) }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={() => (drag.current = null)}
          onPointerCancel={() => (drag.current = null)}
        >
          {frameUrl ? (
            // eslint-disable-next-line @next/next/no-img-element -- a signed media URL, not a static asset
            <img
              src={frameUrl}
              alt={`Still frame of ${name}`}
              draggable={false}
              className="pointer-events-none h-full w-full object-fill"
              onLoad={(e) => setAspect(e.currentTarget.naturalWidth / e.currentTarget.naturalHeight || 16 / 9)}
            />
          ) : (
            <p className="pointer-events-none absolute inset-0 grid place-items-center p-4 text-center text-xs text-zinc-500">
              {q.isPending ? "Loading a frame…" : "A still of the stream appears here once it has a ready clip."}
            </p>
          )}
          {box && (
            <div
              data-box="1"
              aria-label="Facecam box"
              className="absolute cursor-move border-2 border-rose-400 bg-rose-500/15 shadow-[0_0_0_9999px_rgba(0,0,0,0.45)]"
              style={{ left: pct(box.x), top: pct(box.y), width: pct(box.w), height: pct(box.h) }}
            >
              <span
                data-handle="resize"
                aria-hidden
                className="absolute -right-2 -bottom-2 h-4 w-4 cursor-nwse-resize rounded-sm border-2 border-white bg-rose-500"
              />
            </div>
          )}
        </div>
        <SplitPreview frameUrl={frameUrl} box={valid?.success ? box : null} aspect={aspect} />
      </div>
      <div className="grid grid-cols-4 gap-2">
        {field("x", "Left %")}
        {field("y", "Top %")}
        {field("w", "Width %")}
        {field("h", "Height %")}
      </div>
      {valid && !valid.success && (
        <p role="alert" className="text-xs text-amber-300">
          {valid.error.issues[0]?.message}
        </p>
      )}
      {(save.error || q.error) && (
        <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
          {(save.error ?? q.error)!.message}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <Button
          type="button"
          variant="primary"
          disabled={!box || !valid?.success || same(box, saved) || save.isPending}
          onClick={() => box && save.mutate(box, { onSuccess: () => setDraft(null) })}
        >
          {save.isPending ? "Saving…" : "Save facecam box"}
        </Button>
        {saved && (
          <Button type="button" variant="ghost" onClick={() => save.mutate(null, { onSuccess: () => setDraft(null) })}>
            Clear
          </Button>
        )}
        {draft && !same(draft, saved) && (
          <Button type="button" variant="ghost" onClick={() => setDraft(null)}>
            Undo changes
          </Button>
        )}
        <span className="text-xs text-zinc-500" aria-live="polite">
          {saved && same(box, saved) ? "Saved" : !saved && !draft ? "No box yet" : ""}
        </span>
      </div>
    </section>
  );
}

/** A small 9:16 picture of the split export: the box's region on top, the frame's centre below. */
function SplitPreview({ frameUrl, box, aspect }: { frameUrl: string | null; box: TFacecamBox | null; aspect: number }) {
  const PW = 90;
  const PH = 160;
  const top = Math.round(PH * SPLIT_TOP_SHARE);
  // Cover: the part (a box of the frame, or the whole frame) scaled so it fills a W×H slot, centred.
  const cover = (b: TFacecamBox, W: number, H: number) => {
    const fw = 1000 * aspect;
    const fh = 1000;
    const s = Math.max(W / (b.w * fw), H / (b.h * fh));
    return {
      backgroundImage: frameUrl ? `url("${frameUrl}")` : undefined,
      backgroundSize: `${fw * s}px ${fh * s}px`,
      backgroundPosition: `${-(b.x * fw * s) + (W - b.w * fw * s) / 2}px ${-(b.y * fh * s) + (H - b.h * fh * s) / 2}px`,
    };
  };
  return (
    <figure className="justify-self-center" aria-label="Preview of the facecam + content export">
      <div className="overflow-hidden rounded-md bg-zinc-900" style={{ width: PW, height: PH }}>
        <div
          className="grid place-items-center bg-zinc-800 text-[10px] text-zinc-500"
          style={{ width: PW, height: top, ...(box ? cover(box, PW, top) : {}) }}
        >
          {!box && "facecam"}
        </div>
        <div style={{ width: PW, height: PH - top, ...cover({ x: 0, y: 0, w: 1, h: 1 }, PW, PH - top) }} />
      </div>
      <figcaption className="mt-1 text-center text-[10px] text-zinc-500">9:16 export</figcaption>
    </figure>
  );
}
