import { describe, expect, it } from "vitest";
import { pushInvalidations, type TPushChange } from "./push-invalidations";

const ev = (e: Partial<TPushChange>): TPushChange => ({
  table: "Clip",
  op: "UPDATE",
  id: "c1",
  sessionId: "s1",
  status: "READY",
  ...e,
});

describe("pushInvalidations", () => {
  it.each<[Partial<TPushChange>, unknown[]]>([
    [{}, [["dashboard"], ["clips"], ["clip", "c1"], ["session", "s1"]]],
    [{ op: "INSERT", status: "PENDING" }, [["dashboard"], ["clips"], ["clip", "c1"], ["session", "s1"]]],
    [{ table: "Segment", id: "g1" }, [["dashboard"], ["session", "s1"]]],
    [{ table: "LiveSession", id: "s1" }, [["dashboard"], ["session", "s1"], ["live", "s1"]]],
    [{ table: "Streamer", id: "st1", sessionId: null }, [["dashboard"]]],
    [{ table: "Clip", op: "DELETE", sessionId: null }, [["dashboard"], ["clips"], ["clip", "c1"]]],
  ])("%o → %o", (e, keys) => {
    expect(pushInvalidations(ev(e))).toEqual(keys);
  });
});
