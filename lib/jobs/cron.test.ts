import { describe, expect, it } from "vitest";
import { nextCronTime, parseCron } from "./cron";
import { evaluate } from "./expr";
import { retryAfterMs, sleepUntil } from "./protocol";

describe("nextCronTime", () => {
  const cases: [string, string, string][] = [
    ["* * * * *", "2026-03-01T10:00:30Z", "2026-03-01T10:01:00.000Z"],
    ["* * * * *", "2026-03-01T10:00:00Z", "2026-03-01T10:01:00.000Z"], // strictly after
    ["*/15 * * * *", "2026-03-01T10:16:00Z", "2026-03-01T10:30:00.000Z"],
    ["0 9 * * 1-5", "2026-03-06T09:00:00Z", "2026-03-09T09:00:00.000Z"], // Fri 09:00 → Mon
    ["30 2 1 * *", "2026-01-31T23:00:00Z", "2026-02-01T02:30:00.000Z"],
    ["0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00.000Z"],
    ["0 12 13 * FRI", "2026-03-01T00:00:00Z", "2026-03-06T12:00:00.000Z"], // dom OR dow when both restricted
    ["5,10 0 * jan,feb SUN", "2026-01-01T00:00:00Z", "2026-01-04T00:05:00.000Z"],
    ["0 0 * * 7", "2026-03-02T00:00:00Z", "2026-03-08T00:00:00.000Z"], // 7 = Sunday
    ["TZ=Europe/Paris 0 9 * * *", "2026-07-01T08:00:00Z", "2026-07-02T07:00:00.000Z"], // CEST = UTC+2
    ["TZ=Europe/Paris 0 9 * * *", "2026-01-01T07:00:00Z", "2026-01-01T08:00:00.000Z"], // CET = UTC+1
    ["TZ=America/New_York 30 23 * * *", "2026-06-01T00:00:00Z", "2026-06-01T03:30:00.000Z"],
  ];
  it.each(cases)("%s after %s → %s", (cron, after, expected) => {
    expect(nextCronTime(cron, new Date(after)).toISOString()).toBe(expected);
  });

  it.each(["* * * *", "61 * * * *", "* * * * * *", "TZ=Nowhere/Special * * * * *", "*/0 * * * *", "a * * * *"])(
    "rejects %s",
    (cron) => expect(() => parseCron(cron)).toThrow(),
  );
});

describe("expressions", () => {
  const event = { name: "inngest/function.failed", data: { function_id: "app-fn", n: 3, nested: { ok: true } } };
  const cases: [string, unknown][] = [
    ["event.data.function_id == 'app-fn'", true],
    ['event.data.function_id == "other"', false],
    ["event.data.n == 3 && event.data.nested.ok == true", true],
    ["event.data.n != 3 || event.data.missing == null", false],
    ["!(event.data.n == 4)", true],
    ["event.data.nested.ok", true],
    ["event.data.missing.deeper", undefined],
  ];
  it.each(cases)("%s → %s", (expr, expected) => expect(evaluate(expr, { event })).toBe(expected));
  it.each(["event.data.n > 2", "size(event.data)", "'open"])("rejects unsupported %s", (expr) =>
    expect(() => evaluate(expr, { event })).toThrow(),
  );
});

describe("wire helpers", () => {
  const now = Date.parse("2026-03-01T00:00:00Z");
  it.each([
    ["30s", now + 30_000],
    ["2h30m10s", now + 9_010_000],
    ["1w", now + 604_800_000],
    ["2026-03-02T00:00:00.000Z", Date.parse("2026-03-02T00:00:00Z")],
  ])("sleep %s", (name, until) => expect(sleepUntil(name, now)).toBe(until));
  it.each([
    ["5", 5000],
    ["2026-03-01T00:00:10.000Z", 10_000],
    ["", undefined],
    ["soon", undefined],
  ])("retry-after %s", (value, ms) => expect(retryAfterMs(value, now)).toBe(ms));
});
