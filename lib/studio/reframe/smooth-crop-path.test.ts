import { describe, expect, it } from "vitest";
import { pathMaxSpeed, smoothCropPath, type TFaceSample } from "./smooth-crop-path";

// A 1920-wide source cut to 9:16 at full height (1080): a 607.5-px window whose centre lives in [303.75, 1616.25].
const base = { frameWidth: 1920, cropWidth: 607.5, fps: 30 };
const every = (fps: number, seconds: number, cx: (t: number) => number | null): TFaceSample[] =>
  Array.from({ length: Math.round(seconds * fps) }, (_, i) => ({ t: i / fps, cx: cx(i / fps) }));
const at = (xs: number[], t: number) => xs[Math.round(t * 30)];

describe("smoothCropPath", () => {
  it("with no face ever seen, stays at the frame's centre", () => {
    const p = smoothCropPath(
      every(2, 10, () => null),
      { ...base, duration: 10 },
    );
    expect(p.xs).toHaveLength(300);
    expect(new Set(p.xs)).toEqual(new Set([960]));
    expect(p.maxSpeed).toBe(0);
  });

  it("starts on a face seen at the start, without panning in from the centre", () => {
    const p = smoothCropPath(
      every(2, 4, () => 500),
      { ...base, duration: 4 },
    );
    expect(p.xs[0]).toBe(500);
    expect(p.maxSpeed).toBe(0);
  });

  it("detections that wobble inside the dead zone move nothing (no jitter)", () => {
    // ±30 px of detection noise around 1200 (the dead zone is 12 % of 607.5 ≈ 73 px).
    const noise = [0, 30, -25, 12, -30, 28, -8, 30, -30, 5];
    const p = smoothCropPath(
      every(3, 10, (t) => 1200 + noise[Math.round(t * 3) % noise.length]),
      { ...base, duration: 10 },
    );
    expect(new Set(p.xs)).toEqual(new Set([1200]));
  });

  it("a face that jumps across the frame is reached with bounded speed and acceleration, without overshoot", () => {
    const samples = every(2, 8, (t) => (t < 2 ? 400 : 1500));
    const p = smoothCropPath(samples, { ...base, duration: 8, maxSpeed: 768, maxAccel: 2880 });
    expect(p.maxSpeed).toBeLessThanOrEqual(768 + 1e-9);
    expect(p.maxSpeed).toBeGreaterThan(700); // it did travel at about its top speed
    const v = p.xs.slice(1).map((x, i) => (x - p.xs[i]) * 30);
    const accel = v.slice(1).map((x, i) => Math.abs(x - v[i]) * 30);
    expect(Math.max(...accel)).toBeLessThanOrEqual(2880 + 1e-6);
    expect(Math.max(...p.xs)).toBeLessThanOrEqual(1500);
    expect(at(p.xs, 1)).toBe(400);
    expect(at(p.xs, 4.5)).toBeCloseTo(1500, 0);
    // Monotonic: it never turns back on the way.
    expect(v.every((x) => x >= 0)).toBe(true);
  });

  it("looks ahead: the window is already moving before the face does", () => {
    const p = smoothCropPath(
      every(2, 6, (t) => (t < 3 ? 600 : 1300)),
      { ...base, duration: 6, lead: 0.3 },
    );
    expect(at(p.xs, 2.1)).toBe(600);
    expect(at(p.xs, 2.9)).toBeGreaterThan(600);
  });

  it("a face moving steadily is followed at its own speed, without stop-and-go between samples", () => {
    const p = smoothCropPath(
      every(2, 10, (t) => 400 + 100 * t),
      { ...base, duration: 10 },
    );
    for (let t = 2; t < 8; t += 1 / 30) {
      const v = (at(p.xs, t + 1 / 30) - at(p.xs, t)) * 30;
      expect(v, `t=${t.toFixed(2)}`).toBeGreaterThan(95);
      expect(v, `t=${t.toFixed(2)}`).toBeLessThan(105);
    }
    // Ahead of the face by the look-ahead (0.3 s at 100 px/s), never far from it.
    for (let t = 2; t < 9.5; t += 0.5) expect(Math.abs(at(p.xs, t) - (400 + 100 * t))).toBeLessThan(35);
  });

  it("holds the last position while the face is gone, and follows it again when it comes back", () => {
    const p = smoothCropPath(
      every(2, 12, (t) => (t < 2 ? 1400 : t < 8 ? null : 500)),
      { ...base, duration: 12 },
    );
    for (let t = 0; t < 7.6; t += 0.1) expect(at(p.xs, t)).toBe(1400);
    expect(at(p.xs, 11)).toBeCloseTo(500, 0);
  });

  it("keeps the window inside the frame for a face at the very edge", () => {
    const p = smoothCropPath(
      every(2, 6, (t) => (t < 3 ? 10 : 1915)),
      { ...base, duration: 6 },
    );
    expect(Math.min(...p.xs)).toBe(303.75);
    expect(Math.max(...p.xs)).toBe(1616.25);
  });

  it("a source no wider than the window never moves", () => {
    const p = smoothCropPath(
      every(2, 4, (t) => (t < 2 ? 100 : 500)),
      {
        frameWidth: 600,
        cropWidth: 600,
        duration: 4,
      },
    );
    expect(new Set(p.xs)).toEqual(new Set([300]));
  });

  it("pathMaxSpeed is the largest step times the rate", () => {
    expect(pathMaxSpeed([0, 1, 3, 3, 2], 30)).toBe(60);
    expect(pathMaxSpeed([5], 30)).toBe(0);
  });
});
