import { describe, expect, it } from "vitest";
import {
  cpuPercent,
  median,
  p95,
  percentile,
  readCpuTimes,
  stealPercent,
  summarize,
  summarizeBreakdown,
} from "./stats";

describe("bench statistics", () => {
  it("computes median and interpolated percentiles regardless of input order", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(p95(Array.from({ length: 101 }, (_, i) => 100 - i))).toBe(95);
    expect(p95([10, 20])).toBeCloseTo(19.5);
    expect(percentile([7], 95)).toBe(7);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it("summarizes runs and per-stage breakdowns", () => {
    expect(summarize([1, 2, 3, 4, 5])).toEqual({ median: 3, p95: 4.8, min: 1, max: 5 });
    expect(summarizeBreakdown([{ a: 1, b: 10 }, { a: 3, b: 30 }, { a: 2 }])).toEqual({
      a: { median: 2, p95: 2.9 },
      b: { median: 20, p95: 29 },
    });
  });

  it("reads busy CPU share from /proc/stat lines", () => {
    const a = readCpuTimes("cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 1 2 3 4\n");
    const b = readCpuTimes("cpu  200 0 200 1000 0 0 0 0 0 0\n");
    expect(a).toEqual({ busy: 200, total: 1000, steal: 0 });
    expect(cpuPercent(a, b)).toBe(50);
  });

  it("reads the share of time the hypervisor stole (8th field)", () => {
    const a = readCpuTimes("cpu  100 0 100 700 0 0 0 100 0 0\n");
    const b = readCpuTimes("cpu  150 0 150 800 0 0 0 300 0 0\n");
    expect(a).toEqual({ busy: 300, total: 1000, steal: 100 });
    expect(stealPercent(a, b)).toBe(50);
  });
});
