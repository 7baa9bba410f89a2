import "server-only";
import fs from "node:fs/promises";
import { z } from "zod";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { mediaUrl } from "@/lib/media-url";
import { checkStreamSource } from "@/lib/net/check-stream-source";
import { hostIsPrivate } from "@/lib/net/private-address";
import { recordingRefusal } from "@/lib/quotas/recording-refusal";
import { liveChunkSeconds, startRecording } from "@/lib/recorder/client";
import type { TStartRecording } from "@/lib/recorder/protocol";
import { getStore, storageKeys } from "@/lib/storage";
import { parseSource } from "@/lib/streamers/parse-source";

/** `replaySource` of an uploaded file: its storage key (`sessions/<id>/upload/<name>`) behind this prefix. */
const UPLOAD_PREFIX = "blob:";

export const ZReplayPace = z.enum(["fast", "live"]);
export type TReplayPace = z.infer<typeof ZReplayPace>;

/** `POST /api/streamers/[id]/replays`: a recording (HLS VOD or media file URL) to replay into the streamer. */
export const ZImportUrl = z.strictObject({
  url: z.string().trim().min(1, "Enter the recording's URL (an HLS VOD or an .mp4 link).").max(2048),
  pace: ZReplayPace.default("fast"),
});

/** How long the recorder's link to an uploaded file works (a restarted recorder gets a fresh one). */
const UPLOAD_LINK_SECONDS = 24 * 3600;

/** The URL the recorder reads a replay from: the VOD URL, or a signed link to the uploaded file on this app. */
export function replayUrl(replaySource: string): string {
  if (!replaySource.startsWith(UPLOAD_PREFIX)) return replaySource;
  return `${env.APP_URL}${mediaUrl(replaySource.slice(UPLOAD_PREFIX.length), UPLOAD_LINK_SECONDS)}`;
}

/** The recorder's start request of a replay session (also for the active list a restarted recorder reads). */
export function replayStartRequest(s: {
  id: string;
  streamerId: string;
  segmentSeconds: number;
  replaySource: string;
  replayPace: "FAST" | "LIVE" | null;
}): TStartRecording {
  const pace = s.replayPace === "LIVE" ? "live" : "fast";
  return {
    sessionId: s.id,
    streamerId: s.streamerId,
    source: { kind: "url", url: replayUrl(s.replaySource) },
    segmentSeconds: s.segmentSeconds,
    // Replayed as live, its audio goes ahead in chunks like a live stream's; a fast replay is segments only.
    audioChunkSeconds: pace === "live" ? liveChunkSeconds() : 0,
    replay: { pace },
  };
}

/**
 * A VOD URL checked for import: the same source rules as a streamer (SSRF guard, file sources only where the
 * operator allows them), and it must be a recording (media file, or an HLS playlist with #EXT-X-ENDLIST):
 * a live stream is added as a streamer instead.
 */
export async function checkImportUrl(input: string, userId: string): Promise<string> {
  const parsed = await parseSource(input, userId);
  if (parsed.kind !== "URL" || /^rtmps?:/i.test(parsed.source)) {
    throw new AppError("invalid_input", "Import a recording by its HLS (.m3u8) or media file (.mp4) URL.");
  }
  if (parsed.source.startsWith("file://")) {
    const exists = await fs.stat(new URL(parsed.source).pathname).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!exists) throw new AppError("invalid_input", "There is no file at that path.");
    return parsed.source;
  }
  const checked = await checkStreamSource(parsed.source, {
    isPrivate: env.ALLOW_PRIVATE_SOURCES ? async () => false : hostIsPrivate,
  });
  if (!checked.ok) throw new AppError("invalid_input", `That recording cannot be imported: ${checked.reason}.`);
  if (checked.unreadable)
    throw new AppError("invalid_input", `That recording cannot be imported: ${checked.unreadable}.`);
  if (!checked.finite) {
    throw new AppError(
      "invalid_input",
      "That URL is a live stream, not a recording: add it as a streamer to record it while it is live.",
    );
  }
  return parsed.source;
}

/**
 * Replays a recording into a streamer: a RECORDING session that carries its source and pace (a badge says
 * "Recorded"), recorded by the recorder through the same segments → transcription → detection → clips path
 * as a live stream, beside any live recording of the streamer. `source`: a checked VOD URL (checkImportUrl), or
 * a finished upload's file, stored under the session's folder (`sessions/<id>/upload/<name>`). 403 past the
 * account's recording quota, 503 when the recorder is down.
 */
export async function startReplay(
  userId: string,
  streamerId: string,
  source: { url: string } | { file: string; filename: string },
  pace: TReplayPace,
): Promise<{ sessionId: string }> {
  const created = await prisma.$transaction(async (tx) => {
    // The account's row lock serialises session starts per account, so the quota count holds (as checkStreamer).
    await tx.$queryRaw`select id from "user" where id = ${userId} for update`;
    const streamer = await tx.streamer.findFirst({
      where: { id: streamerId, userId, archivedAt: null },
      select: { id: true, segmentSeconds: true },
    });
    if (!streamer) throw new AppError("not_found", "Streamer not found.");
    const refusal = await recordingRefusal(userId);
    if (refusal) throw new AppError("quota_exceeded", refusal.charAt(0).toUpperCase() + refusal.slice(1));
    return tx.liveSession.create({
      data: {
        userId,
        streamerId,
        segmentSeconds: streamer.segmentSeconds,
        // An upload's key names the session (set below, once stored there).
        replaySource: "url" in source ? source.url : `${UPLOAD_PREFIX}pending`,
        replayPace: pace === "live" ? "LIVE" : "FAST",
      },
      select: { id: true, streamerId: true, segmentSeconds: true, replaySource: true, replayPace: true },
    });
  });
  let session = created;
  const fail = (endReason: string) =>
    prisma.liveSession.update({
      where: { id: session.id },
      data: { status: "FAILED", endedAt: new Date(), endReason },
    });
  if ("file" in source) {
    // Under the session's folder, so whatever removes the session's files (retention, removing the streamer or
    // the account) removes the upload too.
    const key = `${storageKeys.sessionFolder(session.id)}upload/${source.filename}`;
    try {
      await getStore().put(key, source.file);
    } catch (err) {
      await fail("the upload could not be stored");
      throw err;
    }
    session = await prisma.liveSession.update({
      where: { id: session.id },
      data: { replaySource: `${UPLOAD_PREFIX}${key}` },
      select: { id: true, streamerId: true, segmentSeconds: true, replaySource: true, replayPace: true },
    });
  }
  try {
    await startRecording(replayStartRequest({ ...session, replaySource: session.replaySource! }));
  } catch (err) {
    console.warn(`[replay] start ${session.id}: ${err}`);
    await fail("recorder_unavailable");
    throw new AppError("unavailable", "The recorder could not be reached; try again in a moment.");
  }
  return { sessionId: session.id };
}

/**
 * Starts again a replay whose start failed (the recorder could not be reached): the same session and source,
 * so an upload is not sent twice. 409 for a session that is not such a replay (one that recorded segments
 * keeps its clips: import it again instead); 403 past the recording quota; 503 while the recorder is down.
 */
export async function retryReplay(userId: string, sessionId: string): Promise<{ sessionId: string }> {
  const session = await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`select id from "user" where id = ${userId} for update`;
    const found = await tx.liveSession.findFirst({
      where: { id: sessionId, userId },
      select: {
        id: true,
        status: true,
        streamerId: true,
        segmentSeconds: true,
        replaySource: true,
        replayPace: true,
        _count: { select: { segments: true } },
      },
    });
    if (!found) throw new AppError("not_found", "Session not found.");
    const source = found.replaySource;
    if (found.status !== "FAILED" || !source || source === `${UPLOAD_PREFIX}pending` || found._count.segments > 0)
      throw new AppError("conflict", "Only a replay that failed to start can be started again.");
    const refusal = await recordingRefusal(userId);
    if (refusal) throw new AppError("quota_exceeded", refusal.charAt(0).toUpperCase() + refusal.slice(1));
    await tx.liveSession.update({
      where: { id: found.id },
      data: { status: "RECORDING", startedAt: new Date(), endedAt: null, endReason: null },
    });
    return { ...found, replaySource: source };
  });
  try {
    await startRecording(replayStartRequest(session));
  } catch (err) {
    console.warn(`[replay] restart ${session.id}: ${err}`);
    await prisma.liveSession.update({
      where: { id: session.id },
      data: { status: "FAILED", endedAt: new Date(), endReason: "recorder_unavailable" },
    });
    throw new AppError("unavailable", "The recorder could not be reached; try again in a moment.");
  }
  return { sessionId: session.id };
}
