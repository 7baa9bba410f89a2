/**
 * Concurrency of the provider-bound functions (transcription via process-segment, LLM detection via
 * process-segment and redetect-segment): one run per live session (its segments' windows overlap), and at
 * most ACCOUNT_CONCURRENCY runs per account, so one account whose provider calls are stuck in 429 retries
 * cannot take every worker slot from the others. The embedded runner (lib/jobs) enforces the same keys.
 */
export const ACCOUNT_CONCURRENCY = 3;

type TConcurrencyKey = { key: string; limit: number };

/** Inngest allows at most two concurrency constraints per function: these are the two. */
export const perSessionAndAccount: [TConcurrencyKey, TConcurrencyKey] = [
  { key: "event.data.sessionId", limit: 1 },
  { key: "event.data.userId", limit: ACCOUNT_CONCURRENCY },
];

/**
 * The media functions (render, trim, export, preview) run ffmpeg, one core-heavy process each: per function, a
 * global cap sized for the worker, and a per-account cap below it, so one account queueing a hundred exports
 * leaves a slot for everyone else, while one user's batch of two still renders both at once.
 */
export const perAccountMedia: [{ limit: number }, TConcurrencyKey] = [
  { limit: 3 },
  { key: "event.data.userId", limit: 2 },
];
