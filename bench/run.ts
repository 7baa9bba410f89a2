/**
 * Benchmarks. `npm run bench` runs every benchmark, each in its own process, and prints one JSON object per
 * line per result on stdout (progress goes to stderr). `npm run bench -- <name> [--full] [--runs N]` runs one.
 * Each benchmark runs in a child `tsx --conditions=react-server`: the app's server modules start with
 * `import "server-only"`, which throws under the default condition (Next.js resolves it to an empty module
 * for server code, and so does that condition).
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";

export type TBenchOptions = { full: boolean; runs?: number; maxStreams?: number };

export const BENCHMARKS = [
  "segment-latency",
  "moment-to-clip",
  "throughput",
  "transcription",
  "concurrent-recording",
  "live-concurrency",
  "api",
  "push-latency",
  "moment-to-page",
  "clip-that",
  "reframe",
  "recorder-fleet",
] as const;

/** Set in the child that runs one benchmark in-process. */
const CHILD = "CLIPSTREAM_BENCH_CHILD";

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { full: { type: "boolean", default: false }, runs: { type: "string" }, "max-streams": { type: "string" } },
  });
  const unknown = positionals.filter((n) => !(BENCHMARKS as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(", ")}; choose from ${BENCHMARKS.join(", ")}`);
  // Results own stdout: libraries that log (recorder, runner) are sent to stderr.
  console.log = console.error;
  console.info = console.error;

  if (positionals.length === 1 && process.env[CHILD] === "1") {
    const mod = (await import(`./${positionals[0]}.ts`)) as { run(o: TBenchOptions): Promise<void> };
    await mod.run({
      full: values.full!,
      runs: values.runs ? Number(values.runs) : undefined,
      maxStreams: values["max-streams"] ? Number(values["max-streams"]) : undefined,
    });
    return;
  }
  // One child process each (also for one), so every benchmark starts from a clean process and env.
  let failed = 0;
  for (const name of positionals.length ? positionals : BENCHMARKS) {
    const args = ["bench/run.ts", name, ...process.argv.slice(2).filter((a) => a.startsWith("--") || /^\d+$/.test(a))];
    const code = await new Promise<number>((resolve) => {
      const child = spawn("node_modules/.bin/tsx", ["--conditions=react-server", ...args], {
        stdio: ["ignore", "inherit", "inherit"],
        env: { ...process.env, [CHILD]: "1" },
      });
      child.on("exit", (c) => resolve(c ?? 1));
    });
    if (code !== 0) {
      failed++;
      console.error(`[bench] ${name} failed (exit ${code})`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
