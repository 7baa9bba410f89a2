/**
 * The follow layout on real parts: a video in which a real face moves across the frame and then leaves (cut
 * from a photo shipped in @vladmandic/face-api), the real detector (Tiny Face Detector on tfjs's WASM
 * backend), the crop path, and a real ffmpeg render driven by its sendcmd file, checked by detecting the face
 * again in the rendered 9:16 output.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FACE_VIDEO, faceCx, frameRgb, makeFaceVideo } from "@/test/fixtures/face-video";
import { loadFaceDetector } from "./face-detector";
import { FOLLOW_COMMANDS_FILE, followCommands, followFilter, followGeometry } from "./follow-filter";
import { smoothCropPath, type TCropPath } from "./smooth-crop-path";
import { trackFaces, type TFaceTrack } from "./track-faces";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "follow-face-"));
const src = { width: FACE_VIDEO.width, height: FACE_VIDEO.height };
// A 9:16 output of the 640×360 frame: the window is 202.5 source px wide.
const W = 180;
const H = 320;
const geo = followGeometry(src, W, H);
let track: TFaceTrack;
let p: TCropPath;
const at = (t: number) => p.xs[Math.min(p.xs.length - 1, Math.round(t * p.fps))];

beforeAll(async () => {
  makeFaceVideo(path.join(tmp, "face.mp4"));
  track = await trackFaces(path.join(tmp, "face.mp4"), src);
  p = smoothCropPath(track.samples, { frameWidth: src.width, cropWidth: geo.cropWidth, duration: FACE_VIDEO.seconds });
  console.log(
    `[reframe] ${track.frames} frames sampled, detection ${track.msPerFrame.toFixed(0)} ms/frame ` +
      `(${os.loadavg()[0].toFixed(1)} load on ${os.cpus().length} cores: an upper bound), ` +
      `crop window max speed ${p.maxSpeed.toFixed(0)} px/s`,
  );
});

describe("following a face", () => {
  it("the detector finds the face where it is on every sampled frame, and nothing once it has left", () => {
    expect(track.frames).toBe(20); // 10 s at 2 fps
    for (const s of track.samples) {
      const truth = faceCx(s.t);
      if (truth === null) expect(s.cx, `t=${s.t}`).toBeNull();
      else expect(Math.abs(s.cx! - truth), `t=${s.t}: ${s.cx} vs ${truth}`).toBeLessThan(20);
    }
  });

  it("the crop's centre stays on the face as it moves, within a bounded speed", () => {
    for (let t = 0; t < FACE_VIDEO.faceGoneAt; t += 0.1) {
      const err = Math.abs(at(t) - faceCx(t)!);
      // Off by at most the look-ahead and the dead zone: well inside the window's half-width (101 px).
      expect(err, `t=${t.toFixed(1)}: crop ${at(t).toFixed(0)} face ${faceCx(t)}`).toBeLessThan(0.25 * geo.cropWidth);
    }
    // At rest it is centred on the face (within the detector's few pixels).
    for (const t of [0.5, 6, 6.9]) expect(Math.abs(at(t) - faceCx(t)!)).toBeLessThan(20);
    // Never much faster than the face itself (95 px/s): no catch-up bursts between samples, no jitter; and
    // under the default bound of 40 % of the frame width a second.
    expect(p.maxSpeed).toBeGreaterThan(80);
    expect(p.maxSpeed).toBeLessThan(1.25 * 95);
    expect(p.maxSpeed).toBeLessThanOrEqual(0.4 * src.width);
  });

  it("holds where the face was last seen once it is gone", () => {
    const last = at(FACE_VIDEO.faceGoneAt - 0.1);
    for (let t = FACE_VIDEO.faceGoneAt; t < FACE_VIDEO.seconds; t += 0.1) expect(at(t)).toBe(last);
  });

  it("the rendered 9:16 output shows the face in the middle of the picture, then holds the crop still", async () => {
    fs.writeFileSync(path.join(tmp, FOLLOW_COMMANDS_FILE), followCommands(p.xs, p.fps, geo.scale, W, geo.scaledWidth));
    const out = path.join(tmp, "follow.mp4");
    execFileSync(
      "ffmpeg",
      [
        ...["-hide_banner", "-loglevel", "error", "-y", "-i", "face.mp4"],
        ...["-filter_complex", followFilter(W, H), "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast"],
        ...["-pix_fmt", "yuv420p", "-r", "30", out],
      ],
      { cwd: tmp },
    );
    const detect = await loadFaceDetector();
    for (const t of [0.5, 2, 3, 4, 5.5, 6.5]) {
      const faces = await detect(new Uint8Array(frameRgb(out, t, W, H)), W, H);
      expect(faces, `t=${t}`).toHaveLength(1);
      const cx = faces[0].x + faces[0].width / 2;
      expect(Math.abs(cx - W / 2), `t=${t}: face at x=${cx.toFixed(0)} of ${W}`).toBeLessThan(0.3 * W);
    }
    // Face gone: no face, and the picture (the background grid) does not move at all.
    const a = frameRgb(out, 7.5, W, H);
    const b = frameRgb(out, 9.5, W, H);
    expect(await detect(new Uint8Array(a), W, H)).toEqual([]);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - b[i]);
    expect(diff / a.length).toBeLessThan(2);
  });
});
