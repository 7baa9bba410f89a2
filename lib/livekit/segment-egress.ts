import path from "node:path";
import { EncodedFileOutput, EncodedFileType, S3Upload, ServerError } from "livekit-server-sdk";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { egressClient } from "./clients";
import { egressS3 } from "./s3";

/**
 * Where egress `number` of a session writes its file: a path in LIVEKIT_EGRESS_DIR (shared by the egress and
 * the app), or the object key in the LIVEKIT_EGRESS_S3_* bucket.
 */
export function egressFilepath(sessionId: string, number: number): string {
  const name = `${String(number).padStart(5, "0")}.mp4`;
  return egressS3() ? `clipstream/${sessionId}/${name}` : path.join(env.livekitEgressDir, sessionId, name);
}

function fileOutput(filepath: string): EncodedFileOutput {
  const s3 = egressS3();
  if (!s3) return new EncodedFileOutput({ fileType: EncodedFileType.MP4, filepath });
  const upload = new S3Upload({
    accessKey: s3.accessKey,
    secret: s3.secret,
    region: s3.region,
    endpoint: s3.endpoint ?? "",
    bucket: s3.bucket,
    forcePathStyle: s3.forcePathStyle,
  });
  return new EncodedFileOutput({ fileType: EncodedFileType.MP4, filepath, output: { case: "s3", value: upload } });
}

/**
 * Starts the room-composite file egress that records segment `number` of a LIVEKIT session and remembers it
 * (LiveKitEgress row; its start time places the segment in stream time). Idempotent per (session, number).
 */
export async function startSegmentEgress(p: { sessionId: string; userId: string; room: string; number: number }) {
  const existing = await prisma.liveKitEgress.findUnique({
    where: { sessionId_number: { sessionId: p.sessionId, number: p.number } },
  });
  if (existing) return existing;
  const filepath = egressFilepath(p.sessionId, p.number);
  const info = await egressClient().startRoomCompositeEgress(p.room, fileOutput(filepath), { layout: "speaker" });
  return prisma.liveKitEgress.create({
    data: { egressId: info.egressId, userId: p.userId, sessionId: p.sessionId, number: p.number, filepath },
  });
}

/** Stops an egress; one that already ended (the room closed, a duplicate stop) is not an error. */
export async function stopSegmentEgress(egressId: string): Promise<void> {
  try {
    await egressClient().stopEgress(egressId);
  } catch (err) {
    if (err instanceof ServerError && err.status >= 400 && err.status < 500) return;
    throw err;
  }
}
