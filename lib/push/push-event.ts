import { z } from "zod";

/** The channel the row triggers of migration 20261206030000_push_notify send on. */
export const PUSH_CHANNEL = "clipstream_push";

/** One row change as the triggers send it, and as the SSE stream forwards it (minus userId). */
export const ZPushEvent = z.object({
  table: z.enum(["Clip", "Segment", "LiveSession", "Streamer"]),
  op: z.enum(["INSERT", "UPDATE", "DELETE"]),
  id: z.string(),
  userId: z.string(),
  sessionId: z.string().nullable(),
  status: z.string().nullable(),
});
export type TPushEvent = z.infer<typeof ZPushEvent>;
