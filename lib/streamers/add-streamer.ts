import "server-only";
import { inngest } from "@/inngest/client";
import { streamerCheck } from "@/inngest/events";
import { createStreamer, type TCreateStreamer } from "./streamers";

/** POST /api/streamers: adds the stream and checks it right away instead of waiting for the next 30-second poll. */
export async function addStreamer(userId: string, input: TCreateStreamer) {
  const streamer = await createStreamer(userId, input);
  await inngest.send(streamerCheck.create({ streamerId: streamer.id, userId }));
  return streamer;
}
