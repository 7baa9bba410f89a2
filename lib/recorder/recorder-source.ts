import "server-only";
import { livekitViewerSource } from "@/lib/livekit/viewer-token";
import { recorderSourceOf, type TRecorderSource, type TStartRecording } from "./protocol";

/**
 * What the recorder records for a session: the URL or pump.fun coin, or for a LIVEKIT streamer its room on
 * the operator's server with a freshly minted hidden-viewer token (lib/livekit/viewer-token.ts).
 */
export async function recorderSourceFor(
  sessionId: string,
  streamer: { kind: string; source: string },
): Promise<TRecorderSource> {
  return streamer.kind === "LIVEKIT" ? livekitViewerSource(sessionId, streamer.source) : recorderSourceOf(streamer);
}

/** The start request's `output` for a streamer's recording settings (absent for stream copy). */
export function recordingOutputOf(streamer: {
  recordOutput: "copy" | "mp4" | "webm" | "av1";
  recordQuality: "low" | "medium" | "high";
}): TStartRecording["output"] {
  return streamer.recordOutput === "copy"
    ? undefined
    : { format: streamer.recordOutput, quality: streamer.recordQuality };
}
