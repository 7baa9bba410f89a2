import "server-only";
import { createRequire } from "node:module";
import path from "node:path";

/** A face found on a frame, in that frame's pixels. */
export type TFace = { x: number; y: number; width: number; height: number; score: number };
export type TFaceDetector = (rgb: Uint8Array, width: number, height: number) => Promise<TFace[]>;

/**
 * Face detection with @vladmandic/face-api's Tiny Face Detector (193 KB of weights in the package's own
 * `model/` folder) on TensorFlow.js's WebAssembly backend, whose .wasm files ship in
 * @tensorflow/tfjs-backend-wasm: nothing is fetched at install or run time (no tfjs-node binary, no CDN).
 * Loaded once per process; frames are raw RGB (ffmpeg `-pix_fmt rgb24`), so no image decoder is needed.
 * Measured: docs/decisions/022-reframing.md.
 */
let loading: Promise<TFaceDetector> | null = null;

export function loadFaceDetector(): Promise<TFaceDetector> {
  loading ??= load().catch((err: unknown) => {
    loading = null;
    throw err;
  });
  return loading;
}

/** The detector's input size: frames are letterboxed to a square of this side (a multiple of 32). */
export const DETECTOR_INPUT = 416;

async function load(): Promise<TFaceDetector> {
  // Resolved from the app's own node_modules (not from a bundled file's location).
  const req = createRequire(path.join(process.cwd(), "package.json"));
  const faceapi = req("@vladmandic/face-api/dist/face-api.node-wasm.js") as typeof import("@vladmandic/face-api");
  const wasm = req("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
  wasm.setWasmPaths(path.dirname(req.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + "/");
  const tf = faceapi.tf as unknown as typeof import("@tensorflow/tfjs");
  if (tf.getBackend() !== "wasm") {
    await tf.setBackend("wasm");
    await tf.ready();
  }
  const modelDir = path.join(path.dirname(req.resolve("@vladmandic/face-api/package.json")), "model");
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: DETECTOR_INPUT, scoreThreshold: 0.3 });

  return async (rgb, width, height) => {
    if (rgb.length !== width * height * 3) throw new Error(`expected ${width}x${height} RGB, got ${rgb.length} bytes`);
    const input = tf.tensor3d(rgb, [height, width, 3], "int32");
    try {
      const found = await faceapi.detectAllFaces(input as never, options);
      return found.map((d) => ({
        x: d.box.x,
        y: d.box.y,
        width: d.box.width,
        height: d.box.height,
        score: d.score,
      }));
    } finally {
      input.dispose();
    }
  };
}
