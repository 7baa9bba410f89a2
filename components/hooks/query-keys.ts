/**
 * Every React Query key in the app. Keys are hierarchical: invalidating `clips.all()` also marks the review
 * queue and every gallery page stale. `clip(id)` (one clip with its studio state) is separate from `clips`.
 */
export const queryKeys = {
  dashboard: () => ["dashboard"] as const,
  clips: {
    all: () => ["clips"] as const,
    reviewQueue: () => ["clips", "review-feed"] as const,
    gallery: (filters: string) => ["clips", "gallery", filters] as const,
  },
  clip: (id: string) => ["clip", id] as const,
  captions: {
    all: (clipId: string) => ["captions", clipId] as const,
    version: (clipId: string, version: string) => ["captions", clipId, version] as const,
  },
  waveform: (clipId: string, start: number, end: number) => ["waveform", clipId, start, end] as const,
  preview: (clipId: string, start?: number, end?: number) => ["preview", clipId, start, end] as const,
  session: (id: string) => ["session", id] as const,
  /** The live edge of a recording session (GET /api/sessions/[id]/live). */
  live: (sessionId: string) => ["live", sessionId] as const,
  exports: {
    clip: (clipId: string) => ["exports", clipId] as const,
    batch: (exportIds: string[]) => ["exports", "batch", exportIds.join(",")] as const,
  },
  settings: () => ["settings"] as const,
  /** A streamer's facecam box and still frame (GET /api/streamers/[id]/facecam). */
  facecam: (streamerId: string) => ["facecam", streamerId] as const,
  apiTokens: () => ["api-tokens"] as const,
  webhookEndpoints: () => ["webhook-endpoints"] as const,
  webhookDeliveries: (endpointId: string) => ["webhook-endpoints", endpointId, "deliveries"] as const,
  search: (q: string) => ["search", q] as const,
  analytics: (qs: string) => ["analytics", qs] as const,
};
