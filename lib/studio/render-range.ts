import path from "node:path";
import { renderClip } from "@/lib/media";
import { withWorkdir } from "@/lib/pipeline/workdir";
import { getStore } from "@/lib/storage";
import type { TStoredSegment } from "./stored-range";

/** Cuts [start, end] (stream time) frame-accurately from the stored segments; stores video + thumbnail. */
export async function renderRange(opts: {
  segments: TStoredSegment[];
  start: number;
  end: number;
  videoKey: string;
  thumbKey: string;
  proxy?: boolean;
}): Promise<{ duration: number }> {
  const covering = opts.segments.filter((s) => s.startOffset < opts.end && s.startOffset + s.duration > opts.start);
  if (!covering.length) throw new Error("the recording for this range is no longer stored");
  const store = getStore();
  return withWorkdir(async (dir) => {
    const inputs = [];
    for (const s of covering) {
      const file = path.join(dir, `seg-${s.number}.ts`);
      await store.download(s.storageKey, file);
      inputs.push({ path: file, startOffset: s.startOffset, duration: s.duration });
    }
    const outVideo = path.join(dir, "clip.mp4");
    const outThumb = path.join(dir, "thumb.jpg");
    const r = await renderClip({ inputs, start: opts.start, end: opts.end, outVideo, outThumb, proxy: opts.proxy });
    await store.put(opts.videoKey, outVideo, { contentType: "video/mp4" });
    await store.put(opts.thumbKey, outThumb, { contentType: "image/jpeg" });
    return r;
  });
}
