import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** A scratch directory for one step, always removed afterwards (steps may run on different machines). */
export async function withWorkdir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "clipstream-"));
  try {
    return await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
