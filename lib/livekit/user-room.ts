import { env } from "@/lib/env";
import { userRoomPrefix } from "./user-room-prefix";

/**
 * LiveKit rooms belong to the account that added them: the app records, and opens ingresses into, only rooms
 * named with the account's prefix (userRoomPrefix), or rooms the operator shares with every account
 * (LIVEKIT_SHARED_ROOMS). A user who types `livekit:show` gets the room `u1a2b3c4d5e6f-show`.
 */
/** The room a user's `livekit:<room>` names: shared rooms as they are, anything else under the user's prefix. */
export function userRoom(userId: string, room: string): string {
  const prefix = userRoomPrefix(userId);
  if (env.LIVEKIT_SHARED_ROOMS.includes(room) || room.startsWith(prefix)) return room;
  return `${prefix}${room}`;
}

/** Whether the account may record `room` or publish into it. */
export function ownsRoom(userId: string, room: string): boolean {
  return room.startsWith(userRoomPrefix(userId)) || env.LIVEKIT_SHARED_ROOMS.includes(room);
}
