import { failStuckSegmentsCron } from "./fail-stuck-segments";
import { finalizeSession } from "./finalize-session";
import { rotateLivekitEgress } from "./livekit-egress";
import { checkStreamerFn, pollStreamers } from "./monitor-streamers";
import { processSegment } from "./process-segment";
import { purgeRecordings } from "./purge-recordings";
import { redetectSegmentFn } from "./redetect-segment";
import { renderClip, renderClipKeyframe } from "./render-clip";
import { renderPreviewFn } from "./render-preview";
import { trimClipFn } from "./trim-clip";
import { exportClipFn } from "./export-clip";
import { transcribeAudioChunkFn } from "./transcribe-audio-chunk";
import { deliverWebhookFn, dispatchWebhooksCron } from "./deliver-webhook";
import { sendPushFn } from "./send-push";

export const functions = [
  processSegment,
  renderClip,
  renderClipKeyframe,
  finalizeSession,
  pollStreamers,
  checkStreamerFn,
  purgeRecordings,
  redetectSegmentFn,
  rotateLivekitEgress,
  trimClipFn,
  exportClipFn,
  transcribeAudioChunkFn,
  failStuckSegmentsCron,
  renderPreviewFn,
  deliverWebhookFn,
  dispatchWebhooksCron,
  sendPushFn,
];
