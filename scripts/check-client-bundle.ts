/**
 * After `next build`: no secret's value appears in anything the browser can download (.next/static, and
 * prerendered HTML/RSC payloads under .next/server/app). Run the build and this check with the same
 * (sentinel) secret values, e.g. `npm run check:client-bundle` does both.
 *   tsx scripts/check-client-bundle.ts [.next]
 */
import fs from "node:fs";
import path from "node:path";
import { SECRET_ENV_VARS } from "../lib/redact";

export const SECRET_VARS = [...SECRET_ENV_VARS, "DATABASE_URL"] as const;

function* files(dir: string): Generator<string> {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

export function findLeaks(
  nextDir: string,
  env: Record<string, string | undefined> = process.env,
): { variable: string; file: string }[] {
  const secrets: [string, string][] = [];
  for (const v of SECRET_VARS) {
    const value = env[v];
    if (value && value.length >= 8) secrets.push([v, value]);
  }
  const browserFiles = [
    ...files(path.join(nextDir, "static")),
    ...[...files(path.join(nextDir, "server", "app"))].filter((f) => /\.(html|rsc|body|meta)$/.test(f)),
  ];
  const leaks: { variable: string; file: string }[] = [];
  for (const f of browserFiles) {
    const text = fs.readFileSync(f, "latin1");
    for (const [variable, value] of secrets)
      if (text.includes(value)) leaks.push({ variable, file: path.relative(process.cwd(), f) });
  }
  return leaks;
}

if (process.argv[1] && import.meta.url === `file://${path.resolve(process.argv[1])}`) {
  const dir = process.argv[2] ?? ".next";
  const checked = SECRET_VARS.filter((v) => (process.env[v] ?? "").length >= 8);
  if (!fs.existsSync(path.join(dir, "static"))) {
    console.error(`no build in ${dir}: run next build first`);
    process.exit(2);
  }
  if (!checked.length) {
    console.error(`set at least one of ${SECRET_VARS.join(", ")} (to the values the build saw)`);
    process.exit(2);
  }
  const leaks = findLeaks(dir);
  for (const l of leaks) console.error(`LEAK: ${l.variable} appears in ${l.file}`);
  console.log(
    `checked ${checked.length} secret values (${checked.join(", ")}) against the browser-visible build: ${leaks.length} leak(s)`,
  );
  process.exit(leaks.length ? 1 : 0);
}
