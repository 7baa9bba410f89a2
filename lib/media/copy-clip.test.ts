/**
 * The "Clip that" keyframe cut (docs/decisions/012): real ffmpeg on live parts made the way the recorder
 * makes them (an H.264/AAC stream with a keyframe every second, cut by stream copy into 1-s MPEG-TS parts
 * that keep the stream's running timestamps, concatenated byte-wise as downloadClipInputs does).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyClip } from "./copy-clip";
import { probeMedia } from "./probe-media";

const FPS = 30;
let dir: string;

const ff = (args: string[]) => execFileSync("ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-y", ...args]);
const probe = (args: string[]) => execFileSync("ffprobe", ["-v", "error", ...args]).toString();

/** 12 s of 640x360 video + audio in 1-s parts (part k starts at k s); `audio` picks the audio codec. */
function makeParts(name: string, audio: "aac" | "mp2") {
  const out = path.join(dir, name);
  fs.mkdirSync(out);
  ff([
    ...["-f", "lavfi", "-i", `testsrc2=size=640x360:rate=${FPS}:duration=12`],
    ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=12"],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-crf", "30", "-pix_fmt", "yuv420p"],
    ...["-g", String(FPS), "-keyint_min", String(FPS), "-sc_threshold", "0", "-c:a", audio, "-b:a", "96k"],
    ...["-f", "segment", "-segment_time", "1", "-segment_format", "mpegts", path.join(out, "part-%03d.ts")],
  ]);
  return out;
}

/** Parts `from`..`to` (inclusive) as one file, as downloadClipInputs concatenates them. */
function concatParts(parts: string, from: number, to: number) {
  const file = path.join(parts, `parts-${from}-${to}.ts`);
  for (let k = from; k <= to; k++)
    fs.appendFileSync(file, fs.readFileSync(path.join(parts, `part-${String(k).padStart(3, "0")}.ts`)));
  return file;
}

/** One md5 per decoded video frame (`-frames` limits the count). */
function frameHashes(file: string, frames?: number) {
  const out = execFileSync("ffmpeg", [
    ...["-v", "error", "-i", file, "-map", "0:v:0", ...(frames ? ["-frames:v", String(frames)] : [])],
    ...["-f", "framemd5", "-"],
  ]).toString();
  return out
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(",").at(-1)!.trim());
}

let aacParts: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "copy-clip-test-"));
  aacParts = makeParts("aac", "aac");
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("copyClip", () => {
  it("copies from the part boundary at or before the start, without re-encoding, and returns the range it holds", async () => {
    // Parts 3..9 cover the requested 3.4–9.6 (session seconds = stream seconds here).
    const input = { path: concatParts(aacParts, 3, 9), startOffset: 3, duration: 7 };
    const outVideo = path.join(dir, "copy.mp4");
    const outThumb = path.join(dir, "copy.jpg");
    const r = await copyClip({ input, start: 3.4, end: 9.6, outVideo, outThumb, maxLead: 1 });

    expect(r).not.toBeNull();
    // Starts at the part boundary (keyframe) at or before the request, so within one part of it.
    expect(r!.start).toBe(3);
    expect(Math.abs(r!.duration - (9.6 - 3))).toBeLessThan(0.1);
    expect(Math.abs(r!.duration - (await probeMedia(outVideo)).duration)).toBeLessThan(0.001);
    expect(fs.statSync(outThumb).size).toBeGreaterThan(0);

    // Playable: decodes to the end without an error, both streams, the expected number of frames.
    const decoded = execFileSync("ffmpeg", ["-v", "error", "-i", outVideo, "-f", "null", "-"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(decoded.toString()).toBe("");
    const info = JSON.parse(
      probe(["-show_entries", "stream=codec_type,codec_name,profile", "-of", "json", outVideo]),
    ) as { streams: { codec_type: string; codec_name: string; profile?: string }[] };
    const source = JSON.parse(
      probe(["-show_entries", "stream=codec_type,codec_name,profile", "-of", "json", input.path]),
    ) as typeof info;
    expect(info.streams.map((s) => [s.codec_type, s.codec_name, s.profile]).sort()).toEqual(
      source.streams.map((s) => [s.codec_type, s.codec_name, s.profile]).sort(),
    );

    // The first frame is a keyframe and the frames are the source's own, bit for bit, from 3.0 s on: a
    // re-encode (x264 crf 23 here, crf 30 in the source) could not reproduce them.
    const firstPacket = probe(["-select_streams", "v:0", "-show_entries", "packet=flags", "-of", "csv=p=0", outVideo])
      .split("\n")[0]
      .trim();
    expect(firstPacket.startsWith("K")).toBe(true);
    const out = frameHashes(outVideo);
    expect(Math.abs(out.length - Math.round((9.6 - 3) * FPS))).toBeLessThanOrEqual(1);
    expect(out).toEqual(frameHashes(input.path, out.length));
    // Nor is an x264 header in the file (every x264 encode writes its settings into the first keyframe; the
    // source's went with part 0).
    expect(fs.readFileSync(outVideo).includes("x264 - core")).toBe(false);
  });

  it("declines (writing nothing) when the audio cannot be copied into an MP4 as it is", async () => {
    const parts = makeParts("mp2", "mp2");
    const input = { path: concatParts(parts, 2, 5), startOffset: 2, duration: 4 };
    const outVideo = path.join(dir, "mp2.mp4");
    const r = await copyClip({
      input,
      start: 2.5,
      end: 5.5,
      outVideo,
      outThumb: path.join(dir, "mp2.jpg"),
      maxLead: 1,
    });
    expect(r).toBeNull();
    expect(fs.existsSync(outVideo)).toBe(false);
  });

  it("declines when the input begins more than a part before the start, or after it", async () => {
    const input = { path: concatParts(aacParts, 1, 9), startOffset: 1, duration: 9 };
    const opts = { input, end: 9.5, outVideo: path.join(dir, "lead.mp4"), outThumb: path.join(dir, "lead.jpg") };
    expect(await copyClip({ ...opts, start: 4.2, maxLead: 1 })).toBeNull();
    expect(await copyClip({ ...opts, start: 0.5, maxLead: 1 })).toBeNull();
    expect(fs.existsSync(opts.outVideo)).toBe(false);
  });
});
