import { ParticipantInfo_State, ServerError } from "livekit-server-sdk";
import { roomClient } from "./clients";

/**
 * A LiveKit room is live while someone in it publishes a track (a streamer's camera, microphone or an
 * ingress). A room that does not exist (Twirp not_found) or has only viewers is offline.
 */
export async function isRoomLive(room: string): Promise<{ live: boolean; detail?: string }> {
  try {
    const participants = await roomClient().listParticipants(room);
    const publishing = participants.filter(
      (p) => p.state !== ParticipantInfo_State.DISCONNECTED && p.tracks.length > 0,
    );
    if (publishing.length) return { live: true };
    return { live: false, detail: participants.length ? "nobody is publishing in the room" : "the room is empty" };
  } catch (err) {
    if (err instanceof ServerError && err.status === 404) return { live: false, detail: "the room does not exist" };
    throw err;
  }
}
