import type { TFrameSource, TFrameSourceFactory } from "./frame-source";

/** A run's frame source, or none: `error` when the room could not be opened, no error when the session stopped. */
export type TOpenedFrameSource = { frames: TFrameSource } | { frames: null; error?: string };

/**
 * Joins a pump.fun room for one segmenter run. A room that is not publishing yet (or not joinable) gives an
 * `error` rather than a rejection: the reconnect loop tries again within its grace period. `signal` aborts when
 * the session stops or the recorder shuts down; a room that opens after that is closed again at once.
 */
export async function openFrameSource(
  open: TFrameSourceFactory,
  mint: string,
  log: (m: string) => void,
  signal: AbortSignal,
): Promise<TOpenedFrameSource> {
  let frames: TFrameSource;
  try {
    frames = await open(mint, log, signal);
  } catch (err) {
    return { frames: null, error: `pump.fun room: ${(err as Error).message}` };
  }
  if (signal.aborted) {
    frames.close();
    return { frames: null };
  }
  return { frames };
}
