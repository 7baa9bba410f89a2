import { inngest } from "./client";
import { streamerCheck } from "./events";
import { prisma } from "@/lib/db";
import { checkStreamer } from "@/lib/live/check-streamer";

export async function monitoredStreamers() {
  return prisma.streamer.findMany({
    // pump.fun and LiveKit streamers are checked while recording too: the API / the room says when they end.
    where: {
      archivedAt: null,
      OR: [
        { monitored: true, liveSessions: { none: { status: "RECORDING", replaySource: null } } },
        // A recording started by hand on an unwatched streamer is looked after too.
        { kind: { in: ["PUMPFUN", "LIVEKIT"] }, liveSessions: { some: { status: "RECORDING", replaySource: null } } },
      ],
    },
    select: { id: true, userId: true },
  });
}

const fanOut = (streamers: { id: string; userId: string }[], round: number) =>
  streamers.map((s) =>
    // One check per streamer per 30-second slot, however many pollers overlap.
    streamerCheck.create(
      { streamerId: s.id, userId: s.userId },
      { id: `check-${s.id}-${Math.floor(Date.now() / 30_000)}-${round}` },
    ),
  );

/** Every 30 s: ask each monitored, not-recording streamer whether it is live (cron has minute resolution). */
export const pollStreamers = inngest.createFunction(
  { id: "poll-streamers", name: "Poll streamers for go-live", triggers: [{ cron: "* * * * *" }], retries: 1 },
  async ({ step }) => {
    const first = await step.run("list-0", monitoredStreamers);
    if (first.length) await step.sendEvent("check-0", fanOut(first, 0));
    await step.sleep("half-minute", "30s");
    const second = await step.run("list-1", monitoredStreamers);
    if (second.length) await step.sendEvent("check-1", fanOut(second, 1));
    return { checked: first.length + second.length };
  },
);

/** One streamer: live → open a session and start the recorder; a pump.fun stream or LiveKit room gone offline → stop it. */
export const checkStreamerFn = inngest.createFunction(
  {
    id: "check-streamer",
    name: "Check streamer",
    triggers: [streamerCheck],
    retries: 2,
    concurrency: [{ key: "event.data.streamerId", limit: 1 }],
  },
  async ({ event, step }) => step.run("check", () => checkStreamer(event.data.streamerId, event.data.userId)),
);
