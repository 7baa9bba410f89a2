import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { segmentFile } from "@/test/fixtures/stream-signals";
import {
  analyseAudio,
  detectSilences,
  extractAudio,
  makeSampleStream,
  measureLoudness,
  probeMedia,
  renderClip,
  runTool,
} from "./index";
import type { TSampleStream } from "./index";

let dir: string;
let sample: string;
let info: TSampleStream;
let wav: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "clipstream-media-test-"));
  sample = path.join(dir, "sample.mp4");
  info = await makeSampleStream({ out: sample, seconds: 60, excitedAt: 35 });
  wav = path.join(dir, "audio.wav");
  await extractAudio(sample, wav, { sampleRate: 16000 });
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** In-process silences are in whole milliseconds; silencedetect prints microseconds. */
function expectSameSilences(ours: { start: number; end: number }[], ffmpeg: { start: number; end: number }[]) {
  expect(ours.length).toBe(ffmpeg.length);
  expect(ours.length).toBeGreaterThan(0);
  ours.forEach((s, i) => {
    expect(Math.abs(s.start - ffmpeg[i].start)).toBeLessThanOrEqual(0.0006);
    expect(Math.abs(s.end - ffmpeg[i].end)).toBeLessThanOrEqual(0.0006);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe("sample stream", () => {
  it("is an h264 + aac 48 kHz file of the requested length with keyframes every second", async () => {
    expect(await probeMedia(sample)).toMatchObject({ hasVideo: true, hasAudio: true, width: 640, height: 360 });
    expect(Math.abs((await probeMedia(sample)).duration - 60)).toBeLessThan(0.1);
    const { stdout } = await runTool("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "stream=codec_name,sample_rate",
      "-of",
      "csv=p=0",
      sample,
    ]);
    expect(stdout).toContain("h264");
    expect(stdout).toContain("aac,48000");
    const keys = await runTool("ffprobe", [
      "-v",
      "error",
      "-select_streams",
      "v",
      "-skip_frame",
      "nokey",
      "-show_entries",
      "frame=pts_time",
      "-of",
      "csv=p=0",
      sample,
    ]);
    const times = keys.stdout
      .split("\n")
      .map((l) => l.replace(/,.*$/, "").trim())
      .filter(Boolean)
      .map(Number);
    expect(times.length).toBe(60);
    times.forEach((t, i) => expect(t).toBeCloseTo(i, 3));
    expect(info.excitedStart).toBe(35);
    expect(info.excitedEnd - info.excitedStart).toBeGreaterThan(3);
    expect(info.excitedEnd).toBeLessThan(50);
  });

  it("is deterministic", async () => {
    const hash = async (f: string) =>
      createHash("sha256")
        .update(await fs.readFile(f))
        .digest("hex");
    const a = path.join(dir, "a.ts");
    const b = path.join(dir, "b.ts");
    await makeSampleStream({ out: a, seconds: 12, excitedAt: 3 });
    await makeSampleStream({ out: b, seconds: 12, excitedAt: 3 });
    expect(await hash(a)).toBe(await hash(b));
    expect((await probeMedia(a)).hasVideo).toBe(true);
  });
});

describe("audio analysis", () => {
  it("extracts mono 16 kHz s16 WAV", async () => {
    const head = (await fs.readFile(wav)).subarray(0, 36);
    expect(head.toString("ascii", 0, 4)).toBe("RIFF");
    expect(head.readUInt16LE(22)).toBe(1); // channels
    expect(head.readUInt32LE(24)).toBe(16000);
    expect(head.readUInt16LE(34)).toBe(16);
    expect(Math.abs((await probeMedia(wav)).duration - 60)).toBeLessThan(0.1);
  });

  it("measures momentary loudness every 100 ms and shows the excited passage", async () => {
    const l = await measureLoudness(wav);
    expect(l.length).toBeGreaterThan(590);
    expect(l[1].t - l[0].t).toBeCloseTo(0.1, 2);
    expect(l.at(-1)!.t).toBeLessThanOrEqual(60.05);
    const voiced = (a: number, b: number) => l.filter((x) => x.t >= a && x.t < b && x.lufs > -60).map((x) => x.lufs);
    const calm = median(voiced(0, 34));
    const excited = median(voiced(info.excitedStart + 0.5, info.excitedEnd));
    expect(excited - calm).toBeGreaterThanOrEqual(10);
    // The loudest moment of the whole file is inside the passage.
    const loudest = l.reduce((a, b) => (b.lufs > a.lufs ? b : a));
    expect(loudest.t).toBeGreaterThanOrEqual(info.excitedStart);
    expect(loudest.t).toBeLessThanOrEqual(info.excitedEnd + 0.5);
  });

  it("finds the pauses between sentences but none inside the excited passage", async () => {
    const s = await detectSilences(wav);
    expect(s.length).toBeGreaterThanOrEqual(5);
    for (const x of s) {
      expect(x.end).toBeGreaterThan(x.start);
      expect(x.end - x.start).toBeGreaterThanOrEqual(0.34);
      expect(x.end).toBeLessThanOrEqual(60.1);
    }
    expect(s.some((x) => x.start < info.excitedEnd - 0.5 && x.end > info.excitedStart + 0.5)).toBe(false);
    // A stricter threshold finds fewer (or equal) silences.
    expect((await detectSilences(wav, { noiseDb: -60, minSeconds: 0.35 })).length).toBeLessThanOrEqual(s.length);
  });

  it("measures a speech WAV's loudness and silences in-process exactly as ffmpeg's ebur128 and silencedetect do", async () => {
    const one = await analyseAudio(wav);
    expect(one.loudness).toEqual(await measureLoudness(wav));
    expectSameSilences(one.silences, await detectSilences(wav));
    // Any other audio goes through ffmpeg, in one run for both.
    const stereo = path.join(dir, "audio-48k-stereo.wav");
    await runTool("ffmpeg", [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-i",
      wav,
      "-ar",
      "48000",
      "-ac",
      "2",
      stereo,
    ]);
    const viaFfmpeg = await analyseAudio(stereo);
    expect(viaFfmpeg.loudness).toEqual(await measureLoudness(stereo));
    expect(viaFfmpeg.silences).toEqual(await detectSilences(stereo));
    // A silence running to the end of the file ends at its duration (from ffmpeg's header, no ffprobe).
    const tail = path.join(dir, "tail-silence.wav");
    await runTool("ffmpeg", [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:sample_rate=16000:duration=1",
      "-f",
      "lavfi",
      "-i",
      "anullsrc=r=16000:cl=mono:d=2",
      "-filter_complex",
      "[0][1]concat=n=2:v=0:a=1",
      "-ac",
      "1",
      tail,
    ]);
    const t = await analyseAudio(tail);
    expectSameSilences(t.silences, await detectSilences(tail));
    expect(t.silences.at(-1)!.end).toBeCloseTo(3, 1);
  });

  it("reports tool failures with the tail of stderr", async () => {
    await expect(extractAudio(path.join(dir, "missing.ts"), path.join(dir, "x.wav"))).rejects.toThrow(
      /exited with code \d+: .*missing\.ts/s,
    );
    await expect(probeMedia(path.join(dir, "missing.ts"))).rejects.toThrow(/No such file/);
  });
});

describe("renderClip", () => {
  it("cuts frame-accurately across two segment files, with a thumbnail", async () => {
    const segDir = path.join(dir, "segments");
    await fs.mkdir(segDir);
    const files = await segmentFile(sample, segDir, 30);
    expect(files.length).toBe(2);
    const inputs = await Promise.all(
      files.map(async (f, i) => ({ path: f, startOffset: i * 30, duration: (await probeMedia(f)).duration })),
    );
    const outVideo = path.join(dir, "clip.mp4");
    const outThumb = path.join(dir, "clip.jpg");
    const start = 22.37;
    const end = 41.9;
    const r = await renderClip({ inputs, start, end, outVideo, outThumb });
    expect(Math.abs(r.duration - (end - start))).toBeLessThanOrEqual(0.1);
    const probed = await probeMedia(outVideo);
    expect(Math.abs(probed.duration - (end - start))).toBeLessThanOrEqual(0.1);
    expect(probed).toMatchObject({ hasVideo: true, hasAudio: true, width: 640, height: 360 });
    // Every frame of the range is there (15 fps): a keyframe-snapped or gappy join would lose ~0.6 s.
    const { stdout } = await runTool("ffprobe", [
      "-v",
      "error",
      "-select_streams",
      "v",
      "-count_frames",
      "-show_entries",
      "stream=nb_read_frames,duration",
      "-of",
      "csv=p=0",
      outVideo,
    ]);
    const [videoDuration, frames] = stdout.trim().split(",").map(Number);
    expect(Math.abs(frames - (end - start) * 15)).toBeLessThanOrEqual(2);
    expect(Math.abs(videoDuration - (end - start))).toBeLessThanOrEqual(0.1);
    const jpg = await fs.readFile(outThumb);
    expect(jpg.subarray(0, 3).toString("hex")).toBe("ffd8ff");
    expect(jpg.length).toBeGreaterThan(2000);
    const moov = (await fs.readFile(outVideo)).subarray(0, 64 * 1024).indexOf("moov");
    const mdat = (await fs.readFile(outVideo)).indexOf("mdat");
    expect(moov).toBeGreaterThan(0);
    expect(moov).toBeLessThan(mdat); // +faststart

    // An input overlapping the one before it (live parts after a segment) is used only from its `from`:
    // the same range from segment 0 + the whole sample from 30 s on has every frame once.
    const overlapped = path.join(dir, "overlap.mp4");
    const o = await renderClip({
      inputs: [inputs[0], { path: sample, startOffset: 0, duration: 60, from: inputs[0].duration }],
      start,
      end,
      outVideo: overlapped,
      outThumb,
      fast: true,
    });
    expect(Math.abs(o.duration - (end - start))).toBeLessThanOrEqual(0.1);
    const counted = await runTool("ffprobe", [
      "-v",
      "error",
      "-select_streams",
      "v",
      "-count_frames",
      "-show_entries",
      "stream=nb_read_frames",
      "-of",
      "csv=p=0",
      overlapped,
    ]);
    expect(Math.abs(Number(counted.stdout.trim()) - (end - start) * 15)).toBeLessThanOrEqual(2);
    // …and 10 s in, it shows the stream at start + 10 s (not the overlap again, which would be start + 2.4 s).
    const psnr = async (t: number) => {
      const { stderr } = await runTool("ffmpeg", [
        ...["-hide_banner", "-nostdin", "-ss", "10", "-i", overlapped, "-ss", String(t), "-i", sample],
        ...["-frames:v", "1", "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"],
      ]);
      const m = /average:([\d.]+|inf)/.exec(stderr);
      return m ? (m[1] === "inf" ? 100 : Number(m[1])) : 0;
    };
    const nearest = async (t: number) =>
      Math.max(...(await Promise.all([-2, -1, 0, 1, 2].map((k) => psnr(t + k / 15)))));
    expect(await nearest(start + 10)).toBeGreaterThan(35);

    // A range the inputs do not cover is refused.
    await expect(renderClip({ inputs: inputs.slice(0, 1), start: 25, end: 35, outVideo, outThumb })).rejects.toThrow(
      /cover/,
    );
  });
});
