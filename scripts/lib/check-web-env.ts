/**
 * Start-up check of the production web server (scripts/serve.mjs), before Next.js loads: the app's
 * environment parses (lib/env.ts throws EnvError listing every problem) and the auth secret, which the web app
 * signs sessions and media URLs with, is set. Throws EnvError.
 */
import { env } from "@/lib/env";

export function checkWebEnv(): void {
  void env.authSecret;
}
