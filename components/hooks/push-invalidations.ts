import type { QueryKey } from "@tanstack/react-query";
import { queryKeys } from "./query-keys";

/** A `change` event of GET /api/events (lib/push/open-event-stream.ts). */
export type TPushChange = {
  table: "Clip" | "Segment" | "LiveSession" | "Streamer";
  op: "INSERT" | "UPDATE" | "DELETE";
  id: string;
  sessionId: string | null;
  status: string | null;
};

/**
 * The React Query keys a row change makes stale (pure; keys are prefixes, so `clips.all()` covers the review
 * queue and every gallery page). The live edge's media parts are not rows: its own poll keeps them current.
 */
export function pushInvalidations(e: TPushChange): QueryKey[] {
  const session = e.sessionId ? [queryKeys.session(e.sessionId)] : [];
  switch (e.table) {
    case "Clip":
      return [queryKeys.dashboard(), queryKeys.clips.all(), queryKeys.clip(e.id), ...session];
    case "Segment":
      return [queryKeys.dashboard(), ...session];
    case "LiveSession":
      return [queryKeys.dashboard(), ...session, queryKeys.live(e.id)];
    case "Streamer":
      return [queryKeys.dashboard()];
  }
}
