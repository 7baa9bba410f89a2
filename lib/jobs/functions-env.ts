import { z } from "zod";

/** The functions server's own settings (lib/jobs/functions-server.ts), beside lib/env.ts's. */
export const ZFunctionsEnv = z.object({
  DATABASE_URL: z.string().min(1, "DATABASE_URL is required"),
  FUNCTIONS_PORT: z.coerce.number().int().min(0).max(65535).default(3300),
  FUNCTIONS_HOST: z.string().default("127.0.0.1"),
});
