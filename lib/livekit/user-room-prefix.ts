import crypto from "node:crypto";

/** The prefix of an account's LiveKit room names: `u<12 hex of sha256(userId)>-` (lib/livekit/user-room.ts). */
export function userRoomPrefix(userId: string): string {
  return `u${crypto.createHash("sha256").update(userId).digest("hex").slice(0, 12)}-`;
}
