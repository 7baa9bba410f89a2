import crypto from "node:crypto";
import { env } from "@/lib/env";

/** Header on every request the embedded runner makes to the app's /api/inngest (lib/signing signRequest). */
export const RUNNER_SIGNATURE_HEADER = "x-clipstream-runner-signature";

/**
 * Key the embedded runner signs its calls to /api/inngest with, derived from BETTER_AUTH_SECRET (both
 * processes have it), so no extra secret needs configuring.
 */
export function runnerSigningSecret(): string {
  return crypto.createHmac("sha256", env.authSecret).update("clipstream/inngest-runner").digest("hex");
}

/**
 * Whether the Inngest SDK itself verifies requests: only with INNGEST_SIGNING_KEY outside dev mode (the
 * SDK skips verification in dev mode). Otherwise /api/inngest requires the runner's signature.
 */
export function sdkVerifiesRequests(e: NodeJS.ProcessEnv = process.env): boolean {
  const dev = e.INNGEST_DEV;
  return Boolean(e.INNGEST_SIGNING_KEY) && (!dev || dev === "0" || dev === "false");
}
