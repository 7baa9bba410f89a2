/**
 * The pacer between a LiveKit room and the segmenter's constant-rate raw inputs, driven with explicit clock
 * values, and the native I420 conversion of @livekit/rtc-node's frames.
 */
import { describe, expect, it } from "vitest";
import type { TRawFormat } from "./frame-source";
import { toI420 } from "./livekit-frame-source";
import { RawPacer } from "./raw-pacer";

// 10 fps, 100 Hz mono: one tick = 10 samples = 20 bytes of audio, easy to read in assertions.
const FPS = 10;
const RATE = 100;
const TICK = 20;
const frame = (w: number, h: number, fill: number) => Buffer.alloc(w * h * 1.5, fill);
const pcm = (bytes: number, fill: number) => Buffer.alloc(bytes, fill);

function collect(p: RawPacer) {
  const out = { video: [] as Buffer[], audio: [] as Buffer[], ended: false };
  p.video.on("data", (b: Buffer) => out.video.push(b));
  p.audio.on("data", (b: Buffer) => out.audio.push(b));
  p.video.on("end", () => (out.ended = true));
  return out;
}
const flush = () => new Promise((r) => setImmediate(r));

describe("RawPacer", () => {
  it("fixes the format on the first frame and writes as many frames as wall time asks for, repeating the latest", async () => {
    const formats: TRawFormat[] = [];
    const p = new RawPacer(FPS, RATE, 1, (f) => formats.push(f));
    const out = collect(p);
    p.tick(0); // nothing received yet: nothing written
    p.videoFrame(frame(4, 2, 1), 4, 2, 1_000);
    expect(formats).toEqual([{ width: 4, height: 2, fps: FPS, sampleRate: RATE, channels: 1 }]);
    p.tick(1_000); // frame 0
    p.tick(1_250); // frames 1, 2 (the publisher stalls: the latest is repeated)
    p.videoFrame(frame(4, 2, 2), 4, 2, 1_260);
    p.videoFrame(frame(4, 2, 3), 4, 2, 1_270); // faster than 10 fps: only the latest counts
    p.tick(1_300); // frame 3
    await flush();
    expect(out.video.map((b) => b[0])).toEqual([1, 1, 1, 3]);
    // No audio track: one tick's worth of silence per video frame keeps both inputs in step.
    expect(Buffer.concat(out.audio)).toEqual(Buffer.alloc(4 * TICK));
  });

  it("writes exactly one second of samples per second of frames when a tick is not a whole number of samples", async () => {
    const p = new RawPacer(30, 1_000, 2);
    const out = collect(p);
    p.videoFrame(frame(2, 2, 0), 2, 2, 0);
    p.tick(967); // ticks 0..29
    await flush();
    expect(out.video).toHaveLength(30);
    expect(Buffer.concat(out.audio).length).toBe(1_000 * 2 * 2);
  });

  it("plays the room's audio out one tick at a time after a jitter buffer, and fills an underrun with silence", async () => {
    const p = new RawPacer(FPS, RATE, 1, () => {}, { jitterTicks: 2 });
    const out = collect(p);
    p.videoFrame(frame(2, 2, 0), 2, 2, 0);
    p.audioFrame(pcm(30, 1));
    p.tick(0); // 30 bytes queued, 40 needed: silence
    p.audioFrame(pcm(30, 2));
    p.tick(100); // primed
    p.tick(200);
    p.tick(300); // the queue is empty after this one
    p.tick(400); // underrun: silence, buffering again
    await flush();
    expect(out.video).toHaveLength(5);
    expect(Buffer.concat(out.audio)).toEqual(
      Buffer.concat([pcm(20, 0), pcm(20, 1), pcm(10, 1), pcm(10, 2), pcm(20, 2), pcm(20, 0)]),
    );
  });

  it("mixes several audio tracks (speakers of one room) sample by sample, each with its own jitter buffer, clipped to 16 bits", async () => {
    const p = new RawPacer(FPS, RATE, 1, () => {}, { jitterTicks: 1 });
    const out = collect(p);
    const s16 = (...v: number[]) => Buffer.from(new Int16Array(v).buffer);
    const tick = (v: number) => s16(...Array(10).fill(v)); // one tick: 10 samples
    p.videoFrame(frame(2, 2, 0), 2, 2, 0);
    p.audioFrame(tick(1000), "alice");
    p.audioFrame(tick(-300), "bob");
    p.tick(0); // alice + bob
    p.audioFrame(tick(30000), "alice");
    p.audioFrame(tick(10000), "bob");
    p.tick(100); // clipped
    p.audioFrame(tick(5), "alice"); // bob underruns: silence for him only
    p.tick(200);
    p.audioEnded("alice");
    p.audioFrame(tick(7), "bob");
    p.tick(300); // bob alone again
    await flush();
    expect(Buffer.concat(out.audio)).toEqual(Buffer.concat([tick(700), tick(32767), tick(5), tick(7)]));
  });

  it("drops the oldest audio when the room's audio runs too far ahead, and any before the first video frame", async () => {
    const p = new RawPacer(FPS, RATE, 1, () => {}, { jitterTicks: 1, maxQueueTicks: 3 });
    const out = collect(p);
    p.audioFrame(pcm(20, 9)); // before the first video frame: dropped
    p.videoFrame(frame(2, 2, 0), 2, 2, 0);
    p.audioFrame(Buffer.from(Array.from({ length: 100 }, (_, i) => i))); // 5 ticks' worth, 3 kept
    p.tick(200);
    await flush();
    expect(Buffer.concat(out.audio)).toEqual(Buffer.from(Array.from({ length: 60 }, (_, i) => 40 + i)));
  });

  it("skips whole ticks (frame and audio) while the encoder is behind, instead of buffering without bound", () => {
    const w = 4;
    const h = 2;
    const p = new RawPacer(FPS, RATE, 1, () => {}, { maxBacklogBytes: 3 * w * h * 1.5, jitterTicks: 1 });
    // Nobody reads: the encoder is stuck.
    p.videoFrame(frame(w, h, 1), w, h, 0);
    p.audioFrame(pcm(6 * TICK, 5));
    p.tick(500); // ticks 0..5: 3 written, then the backlog is full
    expect(p.skippedTicks).toBe(3);
    expect(p.video.readableLength).toBe(3 * w * h * 1.5);
    expect(p.audio.readableLength).toBe(3 * TICK);
    // The encoder catches up: ticks are written again, audio still in step with video.
    while (p.video.read() !== null);
    p.tick(600);
    expect(p.skippedTicks).toBe(3);
    expect(p.video.readableLength).toBe(w * h * 1.5);
    expect(p.audio.readableLength).toBe(4 * TICK);
  });

  it("ends both streams on a change of resolution, and writes nothing after", async () => {
    const p = new RawPacer(FPS, RATE, 1);
    const out = collect(p);
    p.videoFrame(frame(4, 2, 1), 4, 2, 0);
    p.tick(0);
    p.videoFrame(frame(8, 4, 2), 8, 4, 50);
    p.tick(500);
    p.audioFrame(pcm(2, 1));
    await flush();
    expect(p.ended).toBe("resolution changed to 8x4");
    expect(out.ended).toBe(true);
    expect(out.video).toHaveLength(1);
    expect(Buffer.concat(out.audio)).toEqual(Buffer.alloc(TICK));
  });
});

describe("toI420", () => {
  it("converts an RGBA frame natively to I420 of the same size", async () => {
    const rtc = await import("@livekit/rtc-node");
    const [w, h] = [16, 8];
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([255, 255, 255, 255], i * 4);
    const out = toI420(rtc, new rtc.VideoFrame(rgba, w, h, rtc.VideoBufferType.RGBA));
    expect({ width: out.width, height: out.height, bytes: out.data.length }).toEqual({
      width: w,
      height: h,
      bytes: w * h * 1.5,
    });
    const luma = out.data.subarray(0, w * h);
    const chroma = out.data.subarray(w * h);
    expect(Math.min(...luma)).toBeGreaterThanOrEqual(235); // white
    for (const c of chroma) expect(Math.abs(c - 128)).toBeLessThanOrEqual(2); // no colour
  });

  it("passes an I420 frame through unchanged", async () => {
    const rtc = await import("@livekit/rtc-node");
    const data = new Uint8Array(4 * 2 * 1.5).map((_, i) => i);
    const out = toI420(rtc, new rtc.VideoFrame(data, 4, 2, rtc.VideoBufferType.I420));
    expect([...out.data]).toEqual([...data]);
  });
});
