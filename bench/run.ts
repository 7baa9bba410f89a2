/**
 * Benchmarks. `npm run bench` runs every benchmark, each in its own process, and prints one JSON object per
 * line per result on stdout (progress goes to stderr). `npm run bench -- <name> [--full] [--runs N]` runs one.
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
] as const;

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

  if (positionals.length === 1) {
    const mod = (await import(`./${positionals[0]}.ts`)) as { run(o: TBenchOptions): Promise<void> };
    await mod.run({
      full: values.full!,
      runs: values.runs ? Number(values.runs) : undefined,
      maxStreams: values["max-streams"] ? Number(values["max-streams"]) : undefined,
    });
    return;
  }
  // Several (or all): one child process each, so every benchmark starts from a clean process and env.
  let failed = 0;
  for (const name of positionals.length ? positionals : BENCHMARKS) {
    const args = ["bench/run.ts", name, ...process.argv.slice(2).filter((a) => a.startsWith("--") || /^\d+$/.test(a))];
    const code = await new Promise<number>((resolve) => {
      const child = spawn("node_modules/.bin/tsx", args, { stdio: ["ignore", "inherit", "inherit"] });
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
