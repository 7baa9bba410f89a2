import { pumpfunClient, PumpfunError } from "./client";

/**
 * Go-live check for a pump.fun coin through the livestream API. `isLive` can be true before the streamer's
 * tracks reach the room; the recorder then waits in the room for them (its reconnect grace), so "live" here
 * starts a session and the first segment comes once frames flow.
 */
export async function isPumpfunLive(mint: string): Promise<{ live: boolean; detail?: string; unknown?: true }> {
  try {
    const status = await pumpfunClient().getLivestream(mint);
    return status.live
      ? { live: true, detail: `${status.stream.numParticipants ?? 0} watching` }
      : { live: false, detail: "pump.fun shows no stream for this coin" };
  } catch (err) {
    // The API failed: not live as far as starting a session goes, but no proof that a recording should stop.
    if (err instanceof PumpfunError) return { live: false, detail: err.message, unknown: true };
    throw err;
  }
}
