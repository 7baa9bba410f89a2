import fs from "node:fs";
import path from "node:path";

/** What `next build` is made of: a change to any of these makes the production build stale. */
export const BUILD_INPUTS = [
  "app",
  "components",
  "lib",
  "inngest",
  "generated",
  "prisma/schema",
  "public",
  "next.config.mjs",
  "proxy.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
];

/** The newest modification time (ms) among `inputs` under `root`, or 0 when none exists. */
export function newestInputMtime(root: string, inputs: readonly string[] = BUILD_INPUTS): number {
  let newest = 0;
  const walk = (p: string) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (!st.isDirectory()) {
      newest = Math.max(newest, st.mtimeMs);
      return;
    }
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      if (e.name !== "node_modules" && !e.name.startsWith(".")) walk(path.join(p, e.name));
    }
  };
  for (const input of inputs) walk(path.join(root, input));
  return newest;
}

/** A production build (`.next/BUILD_ID`) newer than every source it is made of. */
export function buildIsFresh(root = ".", inputs: readonly string[] = BUILD_INPUTS): boolean {
  const built = fs.statSync(path.join(root, ".next/BUILD_ID"), { throwIfNoEntry: false });
  return Boolean(built) && newestInputMtime(root, inputs) <= built!.mtimeMs;
}
