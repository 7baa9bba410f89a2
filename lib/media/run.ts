import { spawn } from "node:child_process";

export type TRunResult = { stdout: string; stderr: string };

/** Keeps only the last `max` characters of a growing log, so a chatty tool cannot exhaust memory. */
function tail(s: string, max: number) {
  return s.length > max ? s.slice(s.length - max) : s;
}

/**
 * Runs a tool without a shell (arguments are never interpreted), collecting stdout and stderr.
 * Rejects with an error naming the tool, its exit code and the tail of stderr, which is where
 * ffmpeg & co. explain what went wrong.
 */
export function runTool(
  cmd: string,
  args: string[],
  opts: { maxStdout?: number; maxStderr?: number; cwd?: string } = {},
): Promise<TRunResult> {
  const maxStdout = opts.maxStdout ?? 64 * 1024 * 1024;
  const maxStderr = opts.maxStderr ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], cwd: opts.cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout = tail(stdout + d, maxStdout)));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = tail(stderr + d, maxStderr)));
    child.on("error", (err: NodeJS.ErrnoException) => {
      const hint = err.code === "ENOENT" ? ` (is ${cmd} installed and on PATH?)` : "";
      reject(new Error(`${cmd} could not be started: ${err.message}${hint}`));
    });
    child.on("close", (code, signal) => {
      if (code === 0) return resolve({ stdout, stderr });
      const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const lines = stderr.trim().split("\n").slice(-12).join("\n");
      reject(new Error(`${cmd} ${why}: ${lines || "(no stderr)"}`));
    });
  });
}
