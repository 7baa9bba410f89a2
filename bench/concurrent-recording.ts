import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { BENCH_DIR, sample, waitFor } from "./lib/stack";
import { cpuPercent, emit, machine, progress, readCpuTimes, round, treeCpuTicks } from "./lib/stats";
import type { TBenchOptions } from "./run";

const SEGMENT_SECONDS = 4;
const SOURCE_SECONDS = 24;
const CLK_TCK = 100;

type TAnnouncement = { type: string; sessionId: string; duration?: number; final?: boolean; reason?: string };

/**
 * N live sources recorded at once by one real recorder process (its ffmpeg segmenter reads each file at its
 * own pace with -re, like a live stream). The recorder's webhooks go to a minimal receiver here, so only
 * recording is measured. A step passes when every session ends normally, every non-final segment is within
 * 1 % of the segment length, and CPU stays under 80 %. CPU is sampled from /proc/stat (whole machine) and,
 * as the pass criterion, from /proc/<pid>/stat of this process tree (recorder + its ffmpegs), which other
 * work on a shared machine does not inflate; on a quiet machine the two agree.
 */
export async function run(opts: TBenchOptions) {
  const max = opts.maxStreams ?? (opts.full ? 100 : 40);
  const steps = [...new Set([1, 10, 20, 30, 40, 60, 80, 100, 120, 160].filter((n) => n < max).concat(max))];
  const secret = process.env.RECORDER_SECRET ?? "bench-recorder-secret-0123456789";
  const s = await sample(SOURCE_SECONDS, 10);

  const received: TAnnouncement[] = [];
  const app = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method === "POST" && req.url === "/api/webhooks/recorder")
      received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
    res.writeHead(200, { "content-type": "application/json" });
    res.end(req.url === "/api/recorder/sessions" ? JSON.stringify({ sessions: [] }) : JSON.stringify({ ok: true }));
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;

  const spool = path.join(BENCH_DIR, `recorder-${process.pid}`);
  const { startRecorder } = await import("@/recorder/server");
  const { createLocalStore } = await import("@/lib/storage/local-store");
  const { signRequest, SIGNATURE_HEADER } = await import("@/lib/signing");
  const recorder = await startRecorder({
    port: 0,
    appUrl,
    secret,
    allowPrivateSources: true,
    spoolDir: path.join(spool, "spool"),
    store: createLocalStore(path.join(spool, "blobs")),
    log: () => {},
  });

  const start = machine();
  const results: Record<string, unknown>[] = [];
  let maxPassing = 0;
  try {
    for (const n of steps) {
      progress(`concurrent-recording: ${n} streams × ${SOURCE_SECONDS}s`);
      received.length = 0;
      const ids = Array.from({ length: n }, (_, i) => `bench-${Date.now()}-${n}-${i}`);
      const sys0 = readCpuTimes();
      const tree0 = treeCpuTicks();
      const t0 = performance.now();
      const sysSamples: number[] = [];
      let last = sys0;
      const sampler = setInterval(() => {
        const now = readCpuTimes();
        sysSamples.push(cpuPercent(last, now));
        last = now;
      }, 1000);
      try {
        await Promise.all(
          ids.map(async (sessionId) => {
            const body = JSON.stringify({
              sessionId,
              streamerId: "bench",
              source: { kind: "url", url: `file://${s.file}` },
              segmentSeconds: SEGMENT_SECONDS,
            });
            const res = await fetch(`${recorder.url}/sessions`, {
              method: "POST",
              headers: {
                "content-type": "application/json",
                [SIGNATURE_HEADER]: signRequest(secret, "POST", "/sessions", body),
              },
              body,
            });
            if (!res.ok) throw new Error(`recorder refused ${sessionId}: ${res.status}`);
          }),
        );
        await waitFor(
          async () => ids.every((id) => received.some((m) => m.type === "session.ended" && m.sessionId === id)),
          SOURCE_SECONDS * 1000 + 120_000,
          `${n} sessions to end`,
          250,
        );
      } finally {
        clearInterval(sampler);
      }
      const wall = (performance.now() - t0) / 1000;
      const treeCpu = (100 * (treeCpuTicks() - tree0)) / CLK_TCK / wall / start.cores;
      const systemCpu = cpuPercent(sys0, readCpuTimes());
      const segs = received.filter((m) => m.type === "segment.recorded");
      const full = segs.filter((m) => !m.final);
      const errs = full.map((m) => (100 * Math.abs(m.duration! - SEGMENT_SECONDS)) / SEGMENT_SECONDS);
      const failedSessions = received.filter((m) => m.type === "session.ended" && m.reason === "failed").length;
      const totals = ids.map((id) => segs.filter((m) => m.sessionId === id).reduce((x, m) => x + m.duration!, 0));
      const maxDurationErrorPct = errs.length ? Math.max(...errs) : 100;
      const ok =
        failedSessions === 0 &&
        maxDurationErrorPct <= 1 &&
        treeCpu < 80 &&
        totals.every((t) => Math.abs(t - SOURCE_SECONDS) < 0.5);
      results.push({
        streams: n,
        ok,
        cpuPct: round(treeCpu, 1),
        systemCpuAvgPct: round(systemCpu, 1),
        systemCpuPeakPct: round(Math.max(0, ...sysSamples), 1),
        segments: segs.length,
        maxDurationErrorPct: round(maxDurationErrorPct, 3),
        minRecordedSeconds: round(Math.min(...totals)),
        failedSessions,
        wallSeconds: round(wall, 1),
      });
      if (!ok) break;
      maxPassing = n;
    }
  } finally {
    await recorder.stop();
    await new Promise((r) => app.close(r));
    fs.rmSync(spool, { recursive: true, force: true });
  }
  emit({
    name: "concurrent-recording",
    inputs: {
      segmentSeconds: SEGMENT_SECONDS,
      sourceSeconds: SOURCE_SECONDS,
      source: "file with -re (640x360 15 fps h264 + aac)",
      maxTried: max,
    },
    runs: results.length,
    median: maxPassing,
    p95: maxPassing,
    unit: "streams (max passing N)",
    ...start,
    target: ">= 40",
    steps: results,
    loadavgEnd: machine().loadavg,
  });
}
