import { describe, expect, it } from "vitest";
import { matchesIfNoneMatch, pollableJson } from "./etag";

describe("matchesIfNoneMatch", () => {
  it.each([
    [null, false],
    ['W/"abc"', true],
    ['"abc"', true],
    ['W/"x", W/"abc"', true],
    ["*", true],
    ['W/"abcd"', false],
    ['"ab", "c"', false],
  ])("%s → %s", (header, expected) => {
    expect(matchesIfNoneMatch(header, 'W/"abc"')).toBe(expected);
  });
});

describe("pollableJson", () => {
  const req = (headers: Record<string, string> = {}) => new Request("http://x/api/clips", { headers });

  it("answers the body with an ETag, then 304 without a body for the same ETag, and 200 when it changed", async () => {
    const first = pollableJson(req(), { clips: [1, 2] });
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    expect(first.headers.get("content-type")).toBe("application/json");
    expect(await first.json()).toEqual({ clips: [1, 2] });
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"[\w-]{27}"$/);

    const again = pollableJson(req({ "if-none-match": etag }), { clips: [1, 2] });
    expect([again.status, again.headers.get("etag"), await again.text()]).toEqual([304, etag, ""]);

    const changed = pollableJson(req({ "if-none-match": etag }), { clips: [1, 2, 3] });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(await changed.json()).toEqual({ clips: [1, 2, 3] });
  });
});
