import { spawn, type ChildProcess } from "node:child_process";

export type TChild = { name: string; proc: ChildProcess; exited: Promise<number>; tail: string[] };

const TAIL_LINES = 40;

const COLORS = [36, 35, 33, 32, 34, 31];

/**
 * Starts a child with its output prefixed by its name, so one terminal shows the whole stack. `output`: which
 * of its streams are shown (default both; `quiet` shows none). The last lines are kept either way (`tail`), so
 * a failure can be explained without a verbose run.
 */
export function startChild(
  name: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { quiet?: boolean; output?: "all" | "stderr" | "none" } = {},
): TChild {
  const output = opts.output ?? (opts.quiet ? "none" : "all");
  const proc = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const color = COLORS[name.length % COLORS.length];
  const prefix = `\x1b[${color}m${name.padEnd(9)}\x1b[0m│ `;
  const tail: string[] = [];
  const pipe = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream, shown: boolean) => {
    let buf = "";
    stream?.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const l of lines) {
        tail.push(l);
        if (tail.length > TAIL_LINES) tail.shift();
        if (shown) out.write(prefix + l + "\n");
      }
    });
  };
  pipe(proc.stdout, process.stdout, output === "all");
  pipe(proc.stderr, process.stderr, output !== "none");
  const exited = new Promise<number>((r) => proc.on("exit", (code, sig) => r(code ?? (sig ? 1 : 0))));
  return { name, proc, exited, tail };
}

/** SIGTERM the whole process group, then SIGKILL after a grace period. */
export async function stopChild(c: TChild, graceMs = 8000): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  try {
    process.kill(-c.proc.pid!, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-c.proc.pid!, "SIGKILL");
    } catch {}
  }, graceMs);
  await c.exited;
  clearTimeout(timer);
}

export async function waitForHttp(url: string, timeoutMs: number, what = url): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (res.status < 500) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000}s (${last})`);
}
