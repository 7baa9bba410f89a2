import Groq from "groq-sdk";

/**
 * A provider's (Groq's) API error as users may see it, on a segment, clip or export: what went wrong and the
 * HTTP status, never the provider's own text, which can name the operator's organisation, plan limits and
 * usage. That text goes to the server log only. Anything that is not a provider API error passes unchanged.
 */
export function publicProviderError(service: string, err: unknown): unknown {
  if (!(err instanceof Groq.APIError)) return err;
  console.error(`[${service}] provider error: ${err.message}`);
  const status = err.status;
  const what =
    err instanceof Groq.APIConnectionTimeoutError
      ? "timed out"
      : status === undefined
        ? "could not be reached"
        : status === 401 || status === 403
          ? "refused this server's credentials"
          : status === 429
            ? "rate limit was reached"
            : status >= 500
              ? "failed"
              : "rejected the request";
  return new Error(`${service}: the provider ${what}${status === undefined ? "" : ` (HTTP ${status})`}.`);
}
