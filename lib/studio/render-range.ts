import { downloadClipInputs } from "@/lib/live-edge/download-clip-inputs";
import { renderClip } from "@/lib/media";
import { withWorkdir } from "@/lib/pipeline/workdir";
import { getStore } from "@/lib/storage";
import path from "node:path";

/**
 * Cuts [start, end] (stream time) frame-accurately from the session's stored segments, or from its live
 * parts where the segment has not closed yet (downloadClipInputs, waiting at most `waitSeconds` for the live
 * edge); stores video + thumbnail. The range is never shortened: not stored → throws.
 */
export async function renderRange(opts: {
  sessionId: string;
  start: number;
  end: number;
  videoKey: string;
  thumbKey: string;
  proxy?: boolean;
  waitSeconds?: number;
}): Promise<{ duration: number; sizeBytes: number }> {
  const store = getStore();
  return withWorkdir(async (dir) => {
    const { inputs } = await downloadClipInputs({
      sessionId: opts.sessionId,
      start: opts.start,
      end: opts.end,
      dir,
      waitSeconds: opts.waitSeconds,
    });
    const outVideo = path.join(dir, "clip.mp4");
    const outThumb = path.join(dir, "thumb.jpg");
    const r = await renderClip({ inputs, start: opts.start, end: opts.end, outVideo, outThumb, proxy: opts.proxy });
    const video = await store.put(opts.videoKey, outVideo, { contentType: "video/mp4" });
    const thumb = await store.put(opts.thumbKey, outThumb, { contentType: "image/jpeg" });
    return { duration: r.duration, sizeBytes: video.size + thumb.size };
  });
}
