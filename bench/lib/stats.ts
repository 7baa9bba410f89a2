import fs from "node:fs";
import os from "node:os";

/** Pure statistics and machine facts shared by every benchmark. */

/** Linear-interpolated percentile (p in [0, 100]) of `values`; NaN for an empty list. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const xs = [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (xs.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return xs[lo] + (xs[hi] - xs[lo]) * (rank - lo);
}

export const median = (values: number[]) => percentile(values, 50);
export const p95 = (values: number[]) => percentile(values, 95);

export const round = (x: number, digits = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

/** median/p95/min/max of `values`, rounded. */
export function summarize(values: number[], digits = 2) {
  return {
    median: round(median(values), digits),
    p95: round(p95(values), digits),
    min: round(Math.min(...values), digits),
    max: round(Math.max(...values), digits),
  };
}

/** Summarizes each key of a list of records (per-stage breakdowns). */
export function summarizeBreakdown(
  rows: Record<string, number>[],
  digits = 2,
): Record<string, { median: number; p95: number }> {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(
    keys.map((k) => {
      const xs = rows.map((r) => r[k]).filter((x) => Number.isFinite(x));
      return [k, { median: round(median(xs), digits), p95: round(p95(xs), digits) }];
    }),
  );
}

export function machine() {
  return { cores: os.cpus().length, loadavg: os.loadavg().map((x) => round(x)) };
}

/** Aggregate CPU jiffies from /proc/stat (busy, total, and steal: time the hypervisor gave to other guests). */
export function readCpuTimes(text = fs.readFileSync("/proc/stat", "utf8")): {
  busy: number;
  total: number;
  steal: number;
} {
  const line = text.split("\n").find((l) => l.startsWith("cpu "))!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const idleAll = idle + (iowait || 0);
  const total = user + nice + system + idleAll + (irq || 0) + (softirq || 0) + (steal || 0);
  return { busy: total - idleAll, total, steal: steal || 0 };
}

/** Percent of CPU time stolen by the hypervisor between two readings (a noisy neighbour slows every figure). */
export function stealPercent(a: { steal: number; total: number }, b: { steal: number; total: number }): number {
  const total = b.total - a.total;
  return total > 0 ? (100 * (b.steal - a.steal)) / total : 0;
}

/** Percent of all cores busy between two /proc/stat readings. */
export function cpuPercent(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  const total = b.total - a.total;
  return total > 0 ? (100 * (b.busy - a.busy)) / total : 0;
}

/** utime+stime (clock ticks) of `root` and all its descendants, from /proc/<pid>/stat. */
export function treeCpuTicks(root = process.pid): number {
  const procs: { pid: number; ppid: number; ticks: number }[] = [];
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      // fields after "(comm) ": state=0 ppid=1 … utime=11 stime=12 cutime=13 cstime=14
      procs.push({
        pid: Number(d),
        ppid: Number(f[1]),
        ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
      });
    } catch {
      // exited meanwhile
    }
  }
  const inTree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs)
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
  }
  return procs.filter((p) => inTree.has(p.pid)).reduce((n, p) => n + p.ticks, 0);
}

export type TBenchResult = {
  name: string;
  inputs: Record<string, unknown>;
  runs: number;
  median: number;
  p95: number;
  unit: string;
  cores: number;
  loadavg: number[];
  target?: string;
  [extra: string]: unknown;
};

/** Results go to stdout, one JSON object per line; everything else goes to stderr. */
export function emit(result: TBenchResult) {
  process.stdout.write(JSON.stringify(result) + "\n");
}

export function progress(msg: string) {
  process.stderr.write(`[bench] ${msg}\n`);
}
