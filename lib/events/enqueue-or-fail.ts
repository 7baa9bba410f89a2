import { inngest } from "@/inngest/client";

/** What `inngest.send` takes: one event or several, built with the typed `eventType(...).create(data, { id })`. */
export type TEnqueuedEvents = Parameters<typeof inngest.send>[0];

/**
 * Sends the events that start the jobs for rows just written. If the send fails, `markFailed` marks those
 * rows failed (so they do not wait for a job that was never queued) and the send's error is rethrown: the
 * route answers 500 and the row shows the failure.
 */
export async function enqueueOrFail(events: TEnqueuedEvents, markFailed: () => Promise<unknown>): Promise<void> {
  try {
    await inngest.send(events);
  } catch (err) {
    await markFailed();
    throw err;
  }
}
