import { describe, expect, it } from "vitest";
import { orderReviewQueue } from "./order-review-queue";

const clips = (...ids: string[]) => ids.map((id) => ({ id }));
const ids = (q: { id: string }[]) => q.map((c) => c.id);

describe("orderReviewQueue", () => {
  it.each<[string, string[], Record<string, string>, string | null, string[]]>([
    ["oldest first", ["c3", "c2", "c1"], {}, null, ["c1", "c2", "c3"]],
    ["decided clips leave", ["c3", "c2", "c1"], { c1: "APPROVED" }, null, ["c2", "c3"]],
    ["the clip on screen stays first when an older one turns ready", ["c3", "c2", "c1"], {}, "c2", ["c2", "c1", "c3"]],
    ["a shown clip that was decided does not come back", ["c3", "c2", "c1"], { c2: "REJECTED" }, "c2", ["c1", "c3"]],
    ["a shown clip no longer listed is ignored", ["c2", "c1"], {}, "gone", ["c1", "c2"]],
    ["an empty queue", [], {}, "c1", []],
  ])("%s", (_, newestFirst, decided, shownId, expected) => {
    expect(ids(orderReviewQueue(clips(...newestFirst), decided, shownId))).toEqual(expected);
  });
});
