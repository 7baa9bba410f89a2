import "server-only";
import { DETECTOR_INPUT, loadFaceDetector, type TFace } from "./face-detector";
import { sampleFrames } from "./sample-frames";
import type { TFaceSample } from "./smooth-crop-path";

export type TFaceTrack = {
  /** Per sampled frame: the followed face's centre in source pixels (null: no face). */
  samples: (TFaceSample & { box: TFace | null })[];
  frames: number;
  /** Wall time of detection per frame (decode excluded), ms. */
  msPerFrame: number;
};

/** Frames sampled per second of clip for face detection. */
export const TRACK_FPS = 2;

/**
 * The face to follow among those found on a frame: the largest, unless one at least half its size sits near
 * the face followed so far (two people on screen: the window does not flip between them on every frame).
 */
export function pickFace(faces: TFace[], previousCx: number | null, near: number): TFace | null {
  if (!faces.length) return null;
  const area = (f: TFace) => f.width * f.height;
  const largest = faces.reduce((a, b) => (area(b) > area(a) ? b : a));
  if (previousCx === null) return largest;
  const close = faces
    .filter((f) => area(f) >= area(largest) / 2 && Math.abs(f.x + f.width / 2 - previousCx) < near)
    .sort((a, b) => Math.abs(a.x + a.width / 2 - previousCx) - Math.abs(b.x + b.width / 2 - previousCx));
  return close[0] ?? largest;
}

/**
 * Samples the clip at TRACK_FPS, downscaled to the detector's input size, and finds the face to follow on
 * each frame. Coordinates come back in the source's pixels.
 */
export async function trackFaces(file: string, source: { width: number; height: number }): Promise<TFaceTrack> {
  const detect = await loadFaceDetector();
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  const landscape = source.width >= source.height;
  const width = landscape ? DETECTOR_INPUT : even((DETECTOR_INPUT * source.width) / source.height);
  const height = landscape ? even((DETECTOR_INPUT * source.height) / source.width) : DETECTOR_INPUT;
  const sx = source.width / width;
  const sy = source.height / height;
  const samples: TFaceTrack["samples"] = [];
  let previousCx: number | null = null;
  let detectMs = 0;
  for await (const frame of sampleFrames(file, { fps: TRACK_FPS, width, height })) {
    const t0 = performance.now();
    const faces = await detect(frame.rgb, width, height);
    detectMs += performance.now() - t0;
    const f = pickFace(faces, previousCx, width / 4);
    const box = f && { x: f.x * sx, y: f.y * sy, width: f.width * sx, height: f.height * sy, score: f.score };
    const cx = box ? box.x + box.width / 2 : null;
    if (cx !== null) previousCx = cx / sx;
    samples.push({ t: frame.t, cx, box });
  }
  return { samples, frames: samples.length, msPerFrame: samples.length ? detectMs / samples.length : 0 };
}
