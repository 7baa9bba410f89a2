import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { livekitConfig } from "./clients";

/**
 * LiveKit sessions the recorder records (LIVEKIT_RECORDING=recorder): a LIVEKIT session with no LiveKitEgress
 * row, since an egress session creates egress 0 as it starts. Under `egress`, or without a configured
 * server, none: the recorder is never told to join a room then (a switch of LIVEKIT_RECORDING applies to
 * sessions that start after it).
 */
export function recorderLivekitSessionsWhere(): Prisma.LiveSessionWhereInput | null {
  if (env.LIVEKIT_RECORDING !== "recorder" || !livekitConfig()) return null;
  return { streamer: { kind: "LIVEKIT" }, livekitEgresses: { none: {} } };
}

/** Whether a LIVEKIT session is recorded by LiveKit egress (it has egress rows) rather than by the recorder. */
export async function isEgressSession(sessionId: string): Promise<boolean> {
  return (await prisma.liveKitEgress.count({ where: { sessionId } })) > 0;
}
