import { describe, expect, it } from "vitest";
import { orderReviewQueue } from "./order-review-queue";

// c1 is the oldest clip; ids double as creation order.
const clip = (id: string) => ({ id, createdAt: `2026-12-06T10:00:0${id.slice(1)}.000Z` });
const clips = (...ids: string[]) => ids.map(clip);
const ids = (q: { id: string }[]) => q.map((c) => c.id);

describe("orderReviewQueue", () => {
  it.each<[string, string[], string[], Record<string, string>, string | null, string[]]>([
    ["oldest first", ["c3", "c2", "c1"], [], {}, null, ["c1", "c2", "c3"]],
    ["decided clips leave", ["c3", "c2", "c1"], [], { c1: "APPROVED" }, null, ["c2", "c3"]],
    [
      "the clip on screen stays first when an older one turns ready",
      ["c3", "c2", "c1"],
      [],
      {},
      "c2",
      ["c2", "c1", "c3"],
    ],
    [
      "a shown clip that was decided does not come back",
      ["c3", "c2", "c1"],
      [],
      { c2: "REJECTED" },
      "c2",
      ["c1", "c3"],
    ],
    ["a shown clip no longer listed is ignored", ["c2", "c1"], [], {}, "gone", ["c1", "c2"]],
    ["an undone clip a stale fetch left out is back, on screen", ["c3"], ["c1"], {}, "c1", ["c1", "c3"]],
    ["an undone clip the fetch lists is there once", ["c3", "c1"], ["c1"], {}, "c1", ["c1", "c3"]],
    ["an undone clip decided again leaves", ["c3"], ["c1"], { c1: "REJECTED" }, null, ["c3"]],
    ["an empty queue", [], [], {}, "c1", []],
  ])("%s", (_, listed, restored, decided, shownId, expected) => {
    expect(ids(orderReviewQueue(clips(...listed), clips(...restored), decided, shownId))).toEqual(expected);
  });
});
