/**
 * Load generator, run as its own process so it does not share an event loop with anything measured:
 *   tsx bench/lib/load.ts '{"url": "...", "headers": {...}, "rate": 200, "duration": 10, "connections": 10}'
 * Prints one JSON object: request count, errors, achieved req/s and latency percentiles (ms) computed from
 * every response's own time (autocannon's histogram has no p95).
 */
import autocannon from "autocannon";
import { percentile, round } from "./stats";

type TLoad = { url: string; headers?: Record<string, string>; rate?: number; duration: number; connections: number };

const cfg = JSON.parse(process.argv[2]) as TLoad;
const times: number[] = [];
let non2xx = 0;
const instance = autocannon(
  { url: cfg.url, headers: cfg.headers, duration: cfg.duration, connections: cfg.connections, ...(cfg.rate ? { overallRate: cfg.rate } : {}) },
  (err, result) => {
    if (err) throw err;
    process.stdout.write(
      JSON.stringify({
        requests: times.length,
        non2xx,
        errors: result.errors + result.timeouts,
        reqPerSec: round(times.length / cfg.duration, 1),
        p50: round(percentile(times, 50)),
        p95: round(percentile(times, 95)),
        p99: round(percentile(times, 99)),
        max: round(Math.max(...times)),
      }) + "\n",
    );
  },
);
instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
  times.push(ms);
  if (status < 200 || status > 299) non2xx++;
});
