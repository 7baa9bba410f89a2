import type { TFrameSource, TFrameSourceFactories, TRoomSource } from "./frame-source";

/** A run's frame source, or none: `error` when the room could not be opened, no error when the session stopped. */
export type TOpenedFrameSource = { frames: TFrameSource } | { frames: null; error?: string };

/**
 * Joins a session's room for one segmenter run, with the factory of its source kind (a pump.fun coin's room,
 * or a room on the operator's LiveKit server). A room that is not publishing yet (or not joinable) gives an
 * `error` rather than a rejection: the reconnect loop tries again within its grace period. `signal` aborts when
 * the session stops or the recorder shuts down; a room that opens after that is closed again at once.
 */
export async function openFrameSource(
  open: TFrameSourceFactories,
  sessionId: string,
  source: TRoomSource,
  log: (m: string) => void,
  signal: AbortSignal,
): Promise<TOpenedFrameSource> {
  let frames: TFrameSource;
  try {
    frames =
      source.kind === "pumpfun"
        ? await open.pumpfun(source.mint, log, signal)
        : await open.livekit({ ...source, sessionId }, log, signal);
  } catch (err) {
    const what = source.kind === "pumpfun" ? "pump.fun room" : `LiveKit room ${source.room}`;
    return { frames: null, error: `${what}: ${(err as Error).message}` };
  }
  if (signal.aborted) {
    frames.close();
    return { frames: null };
  }
  return { frames };
}
