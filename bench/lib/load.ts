/**
 * Load generator, run as its own process so it does not share an event loop with anything measured:
 *   tsx bench/lib/load.ts '{"url": "...", "headers": {...}, "rate": 200, "duration": 10, "connections": 20}'
 * Prints one JSON object: request count, errors, achieved req/s and latency percentiles (ms).
 *
 * With `rate`: open-loop Poisson arrivals (independent clients; exponential gaps with a fixed seed) over at
 * most `connections` keep-alive sockets. Each latency is measured from the request's scheduled arrival, so
 * time spent waiting for a free socket or behind a late timer counts (no coordinated omission).
 * autocannon's own rate limit is not used for this: it lets every connection send its share of the second
 * back to back and then idle, so "200 req/s" arrives as a burst of 200 at the top of each second.
 * With `arrivals: "burst"` that autocannon behaviour is measured instead (for comparison), and without
 * `rate` autocannon runs closed-loop as fast as the server answers (maximum throughput).
 */
import http from "node:http";
import autocannon from "autocannon";
import { percentile, round } from "./stats";

type TLoad = {
  url: string;
  headers?: Record<string, string>;
  rate?: number;
  duration: number;
  connections: number;
  arrivals?: "poisson" | "burst";
};

const cfg = JSON.parse(process.argv[2]) as TLoad;

function report(times: number[], non2xx: number, errors: number) {
  process.stdout.write(
    JSON.stringify({
      requests: times.length,
      non2xx,
      errors,
      reqPerSec: round(times.length / cfg.duration, 1),
      p50: round(percentile(times, 50)),
      p95: round(percentile(times, 95)),
      p99: round(percentile(times, 99)),
      max: round(Math.max(...times)),
    }) + "\n",
  );
}

/** mulberry32: a small seeded PRNG, so every run offers the same arrival pattern. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function poisson(rate: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.connections });
  const url = new URL(cfg.url);
  const random = prng(42);
  const times: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const send = (scheduled: number) =>
    new Promise<void>((resolve) => {
      const req = http.get(url, { agent, headers: cfg.headers }, (res) => {
        res.resume();
        res.on("end", () => {
          times.push(performance.now() - scheduled);
          if (res.statusCode! < 200 || res.statusCode! > 299) non2xx++;
          resolve();
        });
      });
      req.on("error", () => {
        errors++;
        resolve();
      });
    });
  const start = performance.now();
  const end = start + cfg.duration * 1000;
  let next = start;
  while (true) {
    next += (-Math.log(1 - random()) / rate) * 1000;
    if (next >= end) break;
    const wait = next - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(send(next));
  }
  await Promise.all(inflight);
  agent.destroy();
  report(times, non2xx, errors);
}

function autocannonRun() {
  const times: number[] = [];
  let non2xx = 0;
  const instance = autocannon(
    {
      url: cfg.url,
      headers: cfg.headers,
      duration: cfg.duration,
      connections: cfg.connections,
      ...(cfg.rate ? { overallRate: cfg.rate } : {}),
    },
    (err, result) => {
      if (err) throw err;
      // autocannon's histogram has no p95: percentiles come from every response's own time.
      report(times, non2xx, result.errors + result.timeouts);
    },
  );
  instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
    times.push(ms);
    if (status < 200 || status > 299) non2xx++;
  });
}

if (cfg.rate && cfg.arrivals !== "burst") void poisson(cfg.rate);
else autocannonRun();
