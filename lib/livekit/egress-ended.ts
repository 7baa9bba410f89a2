import fs from "node:fs/promises";
import path from "node:path";
import { EgressStatus, type EgressInfo } from "livekit-server-sdk";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { probeMedia, runTool } from "@/lib/media";
import { withWorkdir } from "@/lib/pipeline/workdir";
import { endSession, recordSegment } from "@/lib/segments/recorder-events";
import { getStore, storageKeys } from "@/lib/storage";
import { deleteObject, downloadObject, egressS3 } from "./s3";

type TFileInfo = EgressInfo["fileResults"][number];

export type TEgressEndedResult = {
  status: "ignored" | "duplicate" | "recorded" | "failed";
  segmentId?: string;
  detail?: string;
};

const seconds = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 1000;

/**
 * `egress_ended` for one of our segment egresses. A completed file becomes segment `number` of its session:
 * cut where the next segment's egress started (the overlap is there so nothing is lost at the seam; the cut
 * keeps the segments contiguous in stream time), remuxed to MPEG-TS and stored like a recorder segment,
 * then announced exactly as the recorder's webhook does. A failed/aborted egress becomes an ERROR segment
 * with LiveKit's reason. The last egress of a session (no successor) ends the session.
 * Idempotent: an egress is handled once (its row leaves ACTIVE), segments are unique per number.
 */
export async function handleEgressEnded(info: EgressInfo): Promise<TEgressEndedResult> {
  const row = await prisma.liveKitEgress.findUnique({
    where: { egressId: info.egressId },
    include: { session: { select: { id: true, userId: true, status: true, segmentSeconds: true } } },
  });
  if (!row) return { status: "ignored", detail: "not a Clipstream egress" };
  if (row.status !== "ACTIVE") return { status: "duplicate" };
  const { session } = row;
  if (session.status !== "RECORDING") {
    await prisma.liveKitEgress.update({
      where: { egressId: row.egressId },
      data: { status: "ENDED", endedAt: new Date() },
    });
    return { status: "ignored", detail: "the session already ended" };
  }

  const [first, next] = await Promise.all([
    prisma.liveKitEgress.findUniqueOrThrow({ where: { sessionId_number: { sessionId: session.id, number: 0 } } }),
    prisma.liveKitEgress.findUnique({ where: { sessionId_number: { sessionId: session.id, number: row.number + 1 } } }),
  ]);
  const final = row.final || !next;
  const startOffset = Math.max(0, seconds(first.startedAt, row.startedAt));
  const nominal = next ? seconds(row.startedAt, next.startedAt) : session.segmentSeconds;
  const file = info.fileResults[0] ?? (info.result.case === "file" ? info.result.value : undefined);
  const completed = info.status === EgressStatus.EGRESS_COMPLETE || info.status === EgressStatus.EGRESS_LIMIT_REACHED;

  let failure = completed ? (file ? null : "the egress produced no file") : info.error || EgressStatus[info.status];
  let segmentId: string | undefined;
  if (!failure) {
    // An unreadable file fails the segment; anything else (storage, database) is thrown, so the delivery
    // fails, its claim is released and LiveKit's retry tries again.
    const stored = await ingestEgressFile(
      row.filepath,
      file!,
      session.id,
      row.number,
      next ? nominal : undefined,
    ).catch((err: Error) => {
      if (!(err instanceof EgressFileError)) throw err;
      failure = `could not read the egress file: ${err.message.split("\n")[0].slice(0, 200)}`;
      return null;
    });
    if (stored) {
      const { cleanup, ...media } = stored;
      const r = await recordSegment({
        type: "segment.recorded",
        sessionId: session.id,
        number: row.number,
        startOffset,
        final,
        ...media,
      });
      segmentId = r.segmentId;
      await cleanup();
    }
  }
  if (failure) {
    await prisma.segment.createMany({
      data: {
        userId: session.userId,
        sessionId: session.id,
        number: row.number,
        startOffset,
        duration: nominal,
        status: "ERROR",
        error: failure.slice(0, 500),
        final,
      },
      skipDuplicates: true,
    });
  }
  // The session ends once its last egress is in and no earlier one is still outstanding (webhooks may arrive
  // out of order); the session row lock serialises concurrent deliveries.
  const ends = await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`select id from "LiveSession" where id = ${session.id} for update`;
    await tx.liveKitEgress.update({
      where: { egressId: row.egressId },
      data: { status: failure ? "FAILED" : "ENDED", error: failure, endedAt: new Date(), final },
    });
    const [last, active] = await Promise.all([
      tx.liveKitEgress.findFirst({
        where: { sessionId: session.id, final: true, status: { not: "ACTIVE" } },
        orderBy: { number: "desc" },
      }),
      tx.liveKitEgress.count({ where: { sessionId: session.id, status: "ACTIVE" } }),
    ]);
    return active === 0 ? last : null;
  });
  if (ends) {
    // A last egress that failed (mid-segment, no successor started) ends the session as failed; the next
    // poll opens a new session if the room is still live.
    const segments = await prisma.segment.count({ where: { sessionId: session.id } });
    const failed = ends.status === "FAILED";
    await endSession({
      type: "session.ended",
      sessionId: session.id,
      reason: failed ? "failed" : "source_ended",
      segments,
      message: failed ? `LiveKit egress failed: ${ends.error}` : "the LiveKit room ended",
    });
  }
  return failure ? { status: "failed", detail: failure } : { status: "recorded", segmentId };
}

class EgressFileError extends Error {}

/**
 * Fetches the egress file — from the S3 bucket by the key we asked for, or from LIVEKIT_EGRESS_DIR (the path
 * must stay inside it) — cuts it at `cut` seconds (stream copy), remuxes to MPEG-TS and stores it as the
 * segment. `cleanup` removes LiveKit's copy once the segment is recorded.
 */
async function ingestEgressFile(
  filepath: string,
  file: TFileInfo,
  sessionId: string,
  number: number,
  cut: number | undefined,
) {
  const s3 = egressS3();
  return withWorkdir(async (dir) => {
    const input = s3 ? path.join(dir, "egress.mp4") : path.resolve(file.location || file.filename);
    const out = path.join(dir, "segment.ts");
    const probeAndCut = async () => {
      const limit = cut !== undefined ? ["-t", cut.toFixed(3)] : [];
      await runTool(env.FFMPEG_PATH, [
        "-v",
        "error",
        "-i",
        input,
        ...limit,
        "-map",
        "0",
        "-c",
        "copy",
        "-f",
        "mpegts",
        "-y",
        out,
      ]);
      const info = await probeMedia(out);
      if (!(info.duration > 0)) throw new Error("the egress file holds no media");
      return info;
    };
    if (s3) {
      // A missing object fails the segment; any other S3 answer may be transient (thrown, retried).
      await downloadObject(s3, filepath, input).catch((err: Error & { status?: number }) => {
        throw err.status === 404 ? new EgressFileError(err.message) : err;
      });
    }
    if (!s3 && !input.startsWith(env.livekitEgressDir + path.sep))
      throw new EgressFileError("the egress file is outside LIVEKIT_EGRESS_DIR");
    const media = await probeAndCut().catch((err: Error) => {
      throw new EgressFileError(err.message);
    });
    const key = storageKeys.segment(sessionId, number);
    const stored = await getStore().put(key, out, { contentType: "video/mp2t" });
    const cleanup = () => (s3 ? deleteObject(s3, filepath) : fs.rm(input, { force: true }));
    return { storageKey: key, sizeBytes: stored.size, duration: media.duration, cleanup };
  });
}
