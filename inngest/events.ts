import { eventType } from "inngest";
import { z } from "zod";

/** A finished recording segment is stored and ready for processing. */
export const ZSegmentReady = z.object({
  segmentId: z.string().min(1),
  sessionId: z.string().min(1),
  userId: z.string().min(1),
});
export const segmentReady = eventType("segment/recording.ready", { schema: ZSegmentReady });

/** Live audio sent ahead of its segment is stored (AudioChunk): transcribe it while the segment records. */
export const ZAudioChunkReady = z.object({
  chunkId: z.string().min(1),
  sessionId: z.string().min(1),
  userId: z.string().min(1),
});
export const audioChunkReady = eventType("audio/chunk.ready", { schema: ZAudioChunkReady });

/** Re-run detection on a processed segment with the streamer's current settings (stored transcript). */
export const segmentRedetect = eventType("segment/redetect.requested", { schema: ZSegmentReady });

/** One detected clip needs its video and thumbnail rendered. */
/** How a clip is cut: `exact` re-encodes (frame-accurate); `keyframe` ("Clip that") copies the live parts from the keyframe at or before the start when the codecs allow it (docs/decisions/012). */
export const ZClipCut = z.enum(["exact", "keyframe"]);
export type TClipCut = z.infer<typeof ZClipCut>;
export const ZClipRequested = z.object({
  clipId: z.string().min(1),
  userId: z.string().min(1),
  /**
   * Null (or absent): exact, unless a live-edge clip under render backpressure. Sent as null rather than left
   * out, so the render functions' trigger expressions compare a value that is there.
   */
  cut: ZClipCut.nullish(),
});
export const clipRequested = eventType("clip/render.requested", { schema: ZClipRequested });

/** A live session ended (source ended, stopped, failed): detect what was held back at the last boundary. */
export const ZSessionEnded = z.object({ sessionId: z.string().min(1), userId: z.string().min(1) });
export const sessionEnded = eventType("session/live.ended", { schema: ZSessionEnded });

/** Check one streamer now (after it is added, and from the 30-second poll). */
export const ZStreamerCheck = z.object({ streamerId: z.string().min(1), userId: z.string().min(1) });
export const streamerCheck = eventType("streamer/check.requested", { schema: ZStreamerCheck });

/**
 * One render event per clip; the id makes a repeated fan-out a no-op. `round` names a later render of the same clip (a segment refining a live clip's edges): its event id must
 * differ from the first render's, which the event id deduplicates.
 * `cut` absent: exact, unless a live-edge clip under render backpressure (lib/pipeline/render-clip-media.ts);
 * `keyframe` goes to the keyframe lane (inngest/render-clip.ts).
 */
export const clipRenderEvents = (clipIds: string[], userId: string, round?: string, cut?: TClipCut) =>
  clipIds.map((clipId) =>
    clipRequested.create(
      { clipId, userId, cut: cut ?? null },
      { id: round ? `render-${clipId}-${round}` : `render-${clipId}` },
    ),
  );

/** LiveKit session: rotate to segment `number` (start its egress, then stop `number - 1` after the overlap). */
export const ZLivekitRotate = z.object({
  sessionId: z.string().min(1),
  userId: z.string().min(1),
  number: z.number().int().min(1),
});
export const livekitRotate = eventType("livekit/segment.rotate", { schema: ZLivekitRotate });
export const livekitRotateEvent = (data: z.infer<typeof ZLivekitRotate>) =>
  livekitRotate.create(data, { id: `livekit-rotate-${data.sessionId}-${data.number}` });

/** A clip's new range (stored on the clip as trimStart/trimEnd) needs rendering; the swap follows the render. */
export const ZClipTrim = z.object({ clipId: z.string().min(1), userId: z.string().min(1) });
export const clipTrimRequested = eventType("clip/trim.requested", { schema: ZClipTrim });

/** One export (preset + layout + captions) of a clip needs rendering. */
export const ZExportRequested = z.object({ exportId: z.string().min(1), userId: z.string().min(1) });
export const exportRequested = eventType("clip/export.requested", { schema: ZExportRequested });

/** The trim editor's preview proxy of one window (a ClipPreview row) needs rendering. */
export const ZPreviewRequested = z.object({ previewId: z.string().min(1), userId: z.string().min(1) });
export const previewRequested = eventType("clip/preview.requested", { schema: ZPreviewRequested });

/** One outgoing webhook delivery (a WebhookDelivery row) needs sending, and retrying until it is taken. */
export const ZWebhookDelivery = z.object({ deliveryId: z.string().min(1), userId: z.string().min(1) });
export const webhookDeliveryRequested = eventType("webhook/delivery.requested", { schema: ZWebhookDelivery });

/** One clip notification (a PushDelivery row) needs sending to its owner's devices. */
export const ZPushDelivery = z.object({ deliveryId: z.string().min(1), userId: z.string().min(1) });
export const pushDeliveryRequested = eventType("push/delivery.requested", { schema: ZPushDelivery });
