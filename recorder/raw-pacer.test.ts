/**
 * The pacer between a LiveKit room and the segmenter's constant-rate raw inputs, driven with explicit clock
 * values, and the native I420 conversion of @livekit/rtc-node's frames.
 */
import { describe, expect, it } from "vitest";
import type { TRawFormat } from "./frame-source";
import { toI420 } from "./livekit-frame-source";
import { RawPacer } from "./raw-pacer";

const FPS = 10;
const RATE = 48_000;
const frame = (w: number, h: number, fill: number) => Buffer.alloc(w * h * 1.5, fill);
const SILENCE_BYTES = (RATE / FPS) * 2 * 2;

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
    const p = new RawPacer(FPS, RATE, 2, (f) => formats.push(f));
    const out = collect(p);
    p.tick(0); // nothing received yet: nothing written
    p.videoFrame(frame(4, 2, 1), 4, 2, 1_000);
    expect(formats).toEqual([{ width: 4, height: 2, fps: FPS, sampleRate: RATE, channels: 2 }]);
    p.tick(1_000); // frame 0
    p.tick(1_250); // frames 1, 2 (the publisher stalls: the latest is repeated)
    p.videoFrame(frame(4, 2, 2), 4, 2, 1_260);
    p.videoFrame(frame(4, 2, 3), 4, 2, 1_270); // faster than 10 fps: only the latest counts
    p.tick(1_300); // frame 3
    await flush();
    expect(out.video.map((b) => b[0])).toEqual([1, 1, 1, 3]);
    // No audio track: one frame's worth of silence per video frame keeps both inputs in step.
    expect(Buffer.concat(out.audio)).toEqual(Buffer.alloc(4 * SILENCE_BYTES));
  });

  it("adds silence until an audio track shows up, then passes its audio through", async () => {
    const p = new RawPacer(FPS, RATE, 2);
    const out = collect(p);
    p.videoFrame(frame(2, 2, 0), 2, 2, 0);
    p.tick(0);
    p.audioFrame(Buffer.from([7, 7, 7, 7]));
    p.tick(150);
    await flush();
    expect(out.video).toHaveLength(2);
    expect(Buffer.concat(out.audio)).toEqual(Buffer.concat([Buffer.alloc(SILENCE_BYTES), Buffer.from([7, 7, 7, 7])]));
  });

  it("drops audio that arrives before the first video frame", async () => {
    const p = new RawPacer(FPS, RATE, 2);
    const out = collect(p);
    p.audioFrame(Buffer.from([9, 9]));
    p.videoFrame(frame(2, 2, 0), 2, 2, 0);
    p.tick(0);
    p.audioFrame(Buffer.from([7, 7]));
    await flush();
    expect(out.video).toHaveLength(1);
    expect(Buffer.concat(out.audio)).toEqual(Buffer.from([7, 7]));
  });

  it("ends both streams on a change of resolution, and writes nothing after", async () => {
    const p = new RawPacer(FPS, RATE, 2);
    const out = collect(p);
    p.videoFrame(frame(4, 2, 1), 4, 2, 0);
    p.tick(0);
    p.videoFrame(frame(8, 4, 2), 8, 4, 50);
    p.tick(500);
    p.audioFrame(Buffer.from([1, 1]));
    await flush();
    expect(p.ended).toBe("resolution changed to 8x4");
    expect(out.ended).toBe(true);
    expect(out.video).toHaveLength(1);
    expect(Buffer.concat(out.audio)).toEqual(Buffer.alloc(SILENCE_BYTES));
  });
});

describe("toI420", () => {
  it("converts an RGBA frame natively to I420 of the same size", async () => {
    const rtc = await import("@livekit/rtc-node");
    const [w, h] = [16, 8];
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([255, 255, 255, 255], i * 4);
    const out = toI420(rtc, new rtc.VideoFrame(rgba, w, h, rtc.VideoBufferType.RGBA));
    expect({ width: out.width, height: out.height, bytes: out.data.length }).toEqual({ width: w, height: h, bytes: w * h * 1.5 });
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
