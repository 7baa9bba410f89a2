/**
 * Writes a synthetic stream (testsrc2 + clock, calm espeak-ng speech, one loud excited passage).
 *   tsx scripts/make-sample-stream.ts --out .data/demo/sample.mp4 --seconds 90 --excited-at 50 [--fps 15] [--size 640x360]
 * Prints the excited passage's range as JSON.
 */
import { parseArgs } from "node:util";
import { makeSampleStream } from "@/lib/media/sample-stream";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: ".data/demo/sample.mp4" },
    seconds: { type: "string", default: "60" },
    "excited-at": { type: "string", default: "35" },
    fps: { type: "string", default: "15" },
    size: { type: "string", default: "640x360" },
  },
});

const started = Date.now();
const r = await makeSampleStream({
  out: values.out!,
  seconds: Number(values.seconds),
  excitedAt: Number(values["excited-at"]),
  fps: Number(values.fps),
  size: values.size,
});
console.log(JSON.stringify({ out: values.out, ...r, tookMs: Date.now() - started }));
