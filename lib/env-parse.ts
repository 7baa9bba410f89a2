import type { z } from "zod";

/** A process's environment failed validation: `message` lists every bad variable, one per line. */
export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid environment:\n${issues.map((l) => `  ${l}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/**
 * Parses `source` (process.env by default) with a process's zod schema. The one formatter of environment
 * problems for the app (lib/env.ts), the recorder (recorder/main.ts) and the job runner (lib/jobs/server.ts).
 * An empty value counts as unset (as in a copied `.env.example`), so defaults apply.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined> = process.env,
): z.output<S> {
  const set = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(set);
  if (parsed.success) return parsed.data;
  throw new EnvError(parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
}
