import OpenAI from "openai";
import { env } from "@/lib/env";
import { createGroqClient } from "@/lib/groq-client";

/**
 * The hosted or self-hosted models behind transcription and LLM detection. Both speak OpenAI's wire format:
 * Groq (GROQ_API_KEY, its own SDK and paths) or any OpenAI-compatible server (LLM_BASE_URL / WHISPER_BASE_URL:
 * Ollama, vLLM, LM Studio, a local Whisper server, OpenAI). A self-hosted one wins over Groq; with neither, the
 * offline engines run. `engine` is what clips and transcripts name ("groq" or "openai", with the model).
 */

/** The calls the app makes, which groq-sdk and openai both offer with the same request and answer shapes. */
export type TOpenAICompatible = Pick<OpenAI, "chat" | "audio">;

export type TProvider = {
  engine: "groq" | "openai";
  /** For messages: "Groq" or the server's host. */
  name: string;
  model: string;
  client: TOpenAICompatible;
};

export type TProviderOptions = {
  apiKey?: string;
  baseURL?: string;
  model?: string;
  maxRetries?: number;
  timeoutMs?: number;
};

/** An OpenAI-compatible server; many self-hosted ones want no key, but the SDK requires one. */
function openAICompatible(baseURL: string, apiKey: string | undefined, opts: TProviderOptions, timeoutMs: number) {
  return new OpenAI({
    baseURL,
    apiKey: apiKey || "not-needed",
    maxRetries: opts.maxRetries ?? 2,
    timeout: opts.timeoutMs ?? timeoutMs,
  });
}

/** groq-sdk's client has OpenAI's methods under the same names (its types are its own copy of them). */
const groqClient = (opts: TProviderOptions, timeoutMs: number) =>
  createGroqClient(opts, timeoutMs) as unknown as TOpenAICompatible;

/** The chat model for detection and summaries, or null for the offline detector. */
export function chatProvider(opts: TProviderOptions = {}): TProvider | null {
  if (env.LLM_BASE_URL)
    return {
      engine: "openai",
      name: new URL(env.LLM_BASE_URL).host,
      model: opts.model ?? env.LLM_MODEL!,
      client: openAICompatible(env.LLM_BASE_URL, env.LLM_API_KEY, opts, 120_000),
    };
  if (env.GROQ_API_KEY || opts.apiKey)
    return {
      engine: "groq",
      name: "Groq",
      model: opts.model ?? env.GROQ_DETECT_MODEL ?? env.GROQ_CHAT_MODEL,
      client: groqClient(opts, 120_000),
    };
  return null;
}

/** The speech model for transcription, or null for offline PocketSphinx. */
export function speechProvider(opts: TProviderOptions = {}): TProvider | null {
  if (env.WHISPER_BASE_URL)
    return {
      engine: "openai",
      name: new URL(env.WHISPER_BASE_URL).host,
      model: opts.model ?? env.WHISPER_MODEL,
      client: openAICompatible(env.WHISPER_BASE_URL, env.WHISPER_API_KEY, opts, 300_000),
    };
  if (env.GROQ_API_KEY || opts.apiKey)
    return {
      engine: "groq",
      name: "Groq",
      model: opts.model ?? env.GROQ_TRANSCRIBE_MODEL,
      client: groqClient(opts, 300_000),
    };
  return null;
}
