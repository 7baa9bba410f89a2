import { describe, expect, it } from "vitest";
import {
  heartbeatSeconds,
  isLive,
  LEASE_DEFAULTS,
  leaseVerdict,
  pickRecorder,
  planHeartbeat,
  planTakeovers,
  takeoverBoundSeconds,
  type TRecorderLoad,
} from "./lease";

const now = new Date("2026-12-07T12:00:00Z");
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const rec = (id: string, load: number, capacity = 10, seen = 1): TRecorderLoad => ({
  id,
  url: `http://${id}:3100`,
  capacity,
  lastSeenAt: ago(seen),
  load,
});

describe("lease timing", () => {
  it("production defaults hand a silent recorder's sessions over within 60 s", () => {
    expect(LEASE_DEFAULTS.ttlSeconds).toBe(30);
    expect(heartbeatSeconds(LEASE_DEFAULTS.ttlSeconds)).toBe(10);
    expect(takeoverBoundSeconds(LEASE_DEFAULTS.ttlSeconds)).toBe(40);
    expect(takeoverBoundSeconds(LEASE_DEFAULTS.ttlSeconds)).toBeLessThanOrEqual(60);
  });

  it("a recorder is live while its last heartbeat is younger than the TTL", () => {
    expect(isLive({ lastSeenAt: ago(29.9) }, now, 30)).toBe(true);
    expect(isLive({ lastSeenAt: ago(30) }, now, 30)).toBe(false);
  });
});

describe("pickRecorder", () => {
  it.each<[string, TRecorderLoad[], string | null]>([
    ["none registered", [], null],
    ["the least loaded by load / capacity", [rec("a", 5, 10), rec("b", 3, 4), rec("c", 4, 20)], "c"],
    ["ties: fewer sessions, then the id", [rec("b", 2, 4), rec("a", 1, 2), rec("c", 1, 2)], "a"],
    ["a silent recorder is passed over", [rec("a", 0, 10, 31), rec("b", 9, 10)], "b"],
    ["a full one is passed over", [rec("a", 2, 2), rec("b", 5, 10)], "b"],
    ["all full: none", [rec("a", 2, 2), rec("b", 10, 10)], null],
  ])("%s", (_, recorders, expected) => {
    expect(pickRecorder(recorders, now, 30)?.id ?? null).toBe(expected);
  });
});

describe("planTakeovers", () => {
  it("spreads expired sessions over the live recorders, counting what it gives out, and leaves the rest", () => {
    const plan = planTakeovers(
      [
        { sessionId: "s1", recorderId: "dead" },
        { sessionId: "s2", recorderId: "dead" },
        { sessionId: "s3", recorderId: "dead" },
        { sessionId: "s4", recorderId: null },
      ],
      [rec("dead", 3, 10, 45), rec("a", 0, 2), rec("b", 1, 2)],
      now,
      30,
    );
    expect(plan.map((p) => [p.sessionId, p.from, p.to.id])).toEqual([
      ["s1", "dead", "a"],
      ["s2", "dead", "a"],
      ["s3", "dead", "b"],
    ]);
  });

  it("a recorder coming back after its lease ran out, with nobody else live, gets its sessions again", () => {
    const plan = planTakeovers([{ sessionId: "s1", recorderId: "a" }], [rec("a", 1, 4)], now, 30);
    expect(plan.map((p) => [p.from, p.to.id])).toEqual([["a", "a"]]);
  });
});

describe("leaseVerdict", () => {
  it.each<[number, number | undefined, "ok" | "stale"]>([
    [3, 3, "ok"],
    [3, 2, "stale"],
    [3, 4, "stale"],
    [3, undefined, "ok"],
    [0, undefined, "ok"],
    [0, 1, "stale"],
  ])("session epoch %s, message epoch %s: %s", (session, message, verdict) => {
    expect(leaseVerdict(session, message)).toBe(verdict);
  });
});

describe("planHeartbeat", () => {
  it("renews what it reports at the current epoch, calls older epochs stale, and assigns what it holds unreported", () => {
    const plan = planHeartbeat(
      "a",
      [
        { sessionId: "current", epoch: 2 },
        { sessionId: "taken", epoch: 1 },
        { sessionId: "ended", epoch: 1 },
        { sessionId: "deleted", epoch: 1 },
        { sessionId: "url-started", epoch: 1 },
      ],
      [
        { sessionId: "current", epoch: 2, recorderId: "a", recording: true },
        { sessionId: "taken", epoch: 2, recorderId: "b", recording: true },
        { sessionId: "ended", epoch: 1, recorderId: "a", recording: false },
        { sessionId: "url-started", epoch: 1, recorderId: null, recording: true },
        { sessionId: "lost-start", epoch: 4, recorderId: "a", recording: true },
        { sessionId: "others", epoch: 1, recorderId: "b", recording: true },
      ],
    );
    expect(plan).toEqual({
      renew: ["current", "url-started"],
      stale: ["taken"],
      assign: ["lost-start"],
    });
  });
});
