import Groq from "groq-sdk";
import { env } from "@/lib/env";

export type TGroqClientOptions = { apiKey?: string; baseURL?: string; maxRetries?: number; timeoutMs?: number };

/**
 * Groq (or any OpenAI-compatible server at GROQ_BASE_URL) with the app's key and retry policy. The SDK retries
 * 408/409/429/5xx and timeouts with exponential backoff, honouring `retry-after` / `retry-after-ms`.
 */
export function createGroqClient(opts: TGroqClientOptions, timeoutMs: number): Groq {
  return new Groq({
    apiKey: opts.apiKey ?? env.GROQ_API_KEY,
    baseURL: opts.baseURL ?? env.GROQ_BASE_URL,
    maxRetries: opts.maxRetries ?? 2,
    timeout: opts.timeoutMs ?? timeoutMs,
  });
}
