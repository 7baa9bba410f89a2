/**
 * The recorder fleet's lease rules, as pure functions (decision 025). The database functions beside this file
 * (assign-session.ts, record-heartbeat.ts) load rows, call these, and write what they decide.
 *
 * A session has one owner at a time: the recorder whose lease it holds (`LiveSession.recorderId`,
 * `leaseEpoch`, `leaseExpiresAt`). Every assignment raises the epoch; the owner's heartbeats renew the leases of
 * the sessions it reports at their current epoch. A lease nobody renews runs out after the TTL, and the next
 * heartbeat of any live recorder sweeps it to the least-loaded live recorder with a higher epoch, so the old
 * owner's announcements (and its heartbeat) are refused from then on.
 */

/**
 * Production defaults. A recorder that stops heartbeating loses its sessions within `takeoverBoundSeconds`:
 * its leases run out after the TTL, and within one heartbeat interval another recorder's heartbeat sweeps them
 * (and the app starts them on the new owner at once).
 */
export const LEASE_DEFAULTS = { ttlSeconds: 30 } as const;

/** Recorders heartbeat three times per TTL, so one lost heartbeat never costs a lease. */
export function heartbeatSeconds(ttlSeconds: number): number {
  return ttlSeconds / 3;
}

/** Longest time from a recorder's last heartbeat to its sessions being assigned to another. */
export function takeoverBoundSeconds(ttlSeconds: number): number {
  return ttlSeconds + heartbeatSeconds(ttlSeconds);
}

export type TRecorderRow = { id: string; url: string; capacity: number; lastSeenAt: Date };
/** A recorder with the number of recording sessions it holds. */
export type TRecorderLoad = TRecorderRow & { load: number };

/** A recorder is live while its last heartbeat is younger than the lease TTL. */
export function isLive(r: { lastSeenAt: Date }, now: Date, ttlSeconds: number): boolean {
  return now.getTime() - r.lastSeenAt.getTime() < ttlSeconds * 1000;
}

/**
 * The live recorder with the most room: the lowest load / capacity, then the fewest sessions, then the id (so
 * the choice is deterministic). Full recorders are passed over; null when none is live with room.
 */
export function pickRecorder(recorders: TRecorderLoad[], now: Date, ttlSeconds: number): TRecorderLoad | null {
  const open = recorders.filter((r) => isLive(r, now, ttlSeconds) && r.load < r.capacity);
  open.sort((a, b) => a.load / a.capacity - b.load / b.capacity || a.load - b.load || a.id.localeCompare(b.id));
  return open[0] ?? null;
}

/**
 * Where each expired lease goes: to the least-loaded live recorder, counting the sessions given out before it.
 * A session no live recorder has room for stays where it is (its lease stays expired, tried again at the next
 * sweep).
 */
export function planTakeovers(
  expired: { sessionId: string; recorderId: string | null }[],
  recorders: TRecorderLoad[],
  now: Date,
  ttlSeconds: number,
): { sessionId: string; from: string | null; to: TRecorderLoad }[] {
  const loads = recorders.map((r) => ({ ...r }));
  const plan: { sessionId: string; from: string | null; to: TRecorderLoad }[] = [];
  for (const s of expired) {
    const to = pickRecorder(loads, now, ttlSeconds);
    if (!to) break;
    to.load++;
    const from = loads.find((r) => r.id === s.recorderId);
    if (from) from.load--;
    plan.push({ sessionId: s.sessionId, from: s.recorderId, to });
  }
  return plan;
}

/** What an announcement carrying `messageEpoch` may do to a session whose lease is at `sessionEpoch`. */
export function leaseVerdict(sessionEpoch: number, messageEpoch: number | undefined): "ok" | "stale" {
  // No epoch: a recorder without a lease (started by hand, older recorders): not fenced.
  if (messageEpoch === undefined) return "ok";
  return messageEpoch === sessionEpoch ? "ok" : "stale";
}

export type TOwnedSession = { sessionId: string; epoch: number; recorderId: string | null; recording: boolean };

/**
 * A heartbeat's effect on the sessions it reports and the ones leased to its recorder:
 * - `renew`: reported at the session's current epoch and still recording: the lease is renewed (and claimed,
 *   when the session was started through RECORDER_URL before the recorder registered);
 * - `stale`: reported at an older epoch: another recorder owns it now, the reporter stops;
 * - `assign`: leased to the reporter but not reported (it restarted, or the start request was lost): it starts.
 */
export function planHeartbeat(
  recorderId: string,
  reported: { sessionId: string; epoch: number }[],
  sessions: TOwnedSession[],
): { renew: string[]; stale: string[]; assign: string[] } {
  const byId = new Map(sessions.map((s) => [s.sessionId, s]));
  const renew: string[] = [];
  const stale: string[] = [];
  for (const r of reported) {
    const s = byId.get(r.sessionId);
    if (!s) continue; // deleted: its announcements answer 404 and the recorder forgets it
    if (s.epoch > r.epoch) stale.push(r.sessionId);
    else if (s.epoch === r.epoch && s.recording) renew.push(r.sessionId);
  }
  const held = new Set(reported.map((r) => r.sessionId));
  const assign = sessions
    .filter((s) => s.recorderId === recorderId && s.recording && !held.has(s.sessionId))
    .map((s) => s.sessionId);
  return { renew, stale, assign };
}
