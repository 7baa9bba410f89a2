/**
 * Log redaction for the runner and the recorder: the values of secret environment variables, credentials
 * in URLs (`//user:pass@`), stream keys (the path after the RTMP application name), secret-looking query
 * parameters and JWTs (LiveKit viewer tokens, e.g. in an `access_token=` of a failed room join) never reach a
 * log line.
 */
export const SECRET_ENV_VARS = [
  "BETTER_AUTH_SECRET",
  "RECORDER_SECRET",
  "GROQ_API_KEY",
  "LLM_API_KEY",
  "WHISPER_API_KEY",
  "BLOB_READ_WRITE_TOKEN",
  "INNGEST_SIGNING_KEY",
  "INNGEST_EVENT_KEY",
  "LIVEKIT_API_SECRET",
  "LIVEKIT_EGRESS_S3_SECRET",
] as const;

const MASK = "[redacted]";

export function redact(text: string, env: Record<string, string | undefined> = process.env): string {
  let out = text;
  for (const v of SECRET_ENV_VARS) {
    const value = env[v];
    if (value && value.length >= 8) out = out.split(value).join(MASK);
  }
  return out
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${MASK}@`)
    .replace(/\b(rtmps?:\/\/[^/\s]+\/[^/\s?]+\/)[^\s?"':]+/gi, `$1${MASK}`)
    .replace(
      /([?&](?:token|access_token|key|api_key|apikey|secret|sig|signature|password|auth)=)[^&\s"']+/gi,
      `$1${MASK}`,
    )
    .replace(/\beyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/g, MASK);
}
