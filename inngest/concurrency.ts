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

/**
 * Keyframe cuts (stream copies of live parts, render-clip-keyframe): mostly waiting for the live edge to pass
 * the clip's end, file I/O and a process start, so more at once than re-encodes. 40 live streams whose moments
 * came within seconds waited 9.5–14 s median for a slot in the media lane (bench live-concurrency); with 16
 * slots here instead of 8, and 48 runner slots, each cut ran slower on the saturated cores and nothing was gained.
 */
export const perAccountCopy: [{ limit: number }, TConcurrencyKey] = [
  { limit: 8 },
  { key: "event.data.userId", limit: 4 },
];
