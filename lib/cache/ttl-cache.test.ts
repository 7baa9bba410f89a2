import { describe, expect, it } from "vitest";
import { createTtlCache } from "./ttl-cache";

describe("ttl cache", () => {
  it("expires entries after their ttl", () => {
    let t = 1000;
    const c = createTtlCache<string>({ ttlMs: 50, max: 10, now: () => t });
    c.set("a", "A");
    c.set("b", "B", 10);
    t += 9;
    expect([c.get("a"), c.get("b")]).toEqual(["A", "B"]);
    t += 1;
    expect([c.get("a"), c.get("b")]).toEqual(["A", undefined]);
    t += 40;
    expect(c.get("a")).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it("drops the oldest entry past max", () => {
    const c = createTtlCache<number>({ ttlMs: 1000, max: 2 });
    c.set("a", 1);
    c.set("b", 2);
    c.set("a", 3); // refreshed: now the newest
    c.set("c", 4);
    expect([c.get("a"), c.get("b"), c.get("c")]).toEqual([3, undefined, 4]);
    c.delete("a");
    expect(c.get("a")).toBeUndefined();
  });
});
