import fs from "node:fs";
import path from "node:path";
import { FACE_VIDEO, makeFaceVideo } from "@/test/fixtures/face-video";
import { BENCH_DIR } from "./lib/stack";
import { emit, machine, progress, round, summarize } from "./lib/stats";
import type { TBenchOptions } from "./run";

/**
 * The follow layout's face tracking on the 10-s test video (a real face moving across a 640×360 frame):
 * detector load time, detection time per sampled frame (Tiny Face Detector, 416 px input, tfjs WASM backend,
 * one thread), the whole planning step (sample + detect + smooth) per clip second, and the crop window's
 * largest speed along the path. Target: planning under 1 s per clip second (it runs before a render that
 * takes longer), so the follow layout at most doubles an export.
 */
export async function run(opts: TBenchOptions) {
  const { loadFaceDetector } = await import("@/lib/studio/reframe/face-detector");
  const { trackFaces } = await import("@/lib/studio/reframe/track-faces");
  const { smoothCropPath } = await import("@/lib/studio/reframe/smooth-crop-path");
  const { followGeometry } = await import("@/lib/studio/reframe/follow-filter");
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  const file = makeFaceVideo(path.join(BENCH_DIR, "reframe-face.mp4"));
  const src = { width: FACE_VIDEO.width, height: FACE_VIDEO.height };
  const start = machine();

  const t0 = performance.now();
  await loadFaceDetector();
  const loadMs = performance.now() - t0;

  const runs = opts.runs ?? 3;
  const perFrame: number[] = [];
  const perClipSecond: number[] = [];
  let maxSpeed = 0;
  for (let r = 0; r < runs; r++) {
    progress(`reframe run ${r + 1}/${runs}`);
    const t1 = performance.now();
    const track = await trackFaces(file, src);
    const p = smoothCropPath(track.samples, {
      frameWidth: src.width,
      cropWidth: followGeometry(src, 1080, 1920).cropWidth,
      duration: FACE_VIDEO.seconds,
    });
    perClipSecond.push((performance.now() - t1) / 1000 / FACE_VIDEO.seconds);
    perFrame.push(track.msPerFrame);
    maxSpeed = p.maxSpeed;
  }
  const f = summarize(perFrame, 1);
  emit({
    name: "reframe-detection",
    inputs: { detector: "tiny_face_detector", inputSize: 416, backend: "wasm", sampledFps: 2 },
    runs,
    median: f.median,
    p95: f.p95,
    unit: "ms/frame",
    ...start,
    detectorLoadMs: round(loadMs, 0),
    loadavgEnd: machine().loadavg,
  });
  const c = summarize(perClipSecond, 3);
  emit({
    name: "reframe-follow-planning",
    inputs: { clipSeconds: FACE_VIDEO.seconds, source: `${src.width}x${src.height}`, output: "1080x1920" },
    runs,
    median: c.median,
    p95: c.p95,
    unit: "s per clip second",
    target: "< 1 s per clip second",
    ...start,
    cropMaxSpeedPxPerSecond: round(maxSpeed, 0),
    loadavgEnd: machine().loadavg,
  });
}
