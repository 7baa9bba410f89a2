import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError, handleApiError } from "./errors";
import { readJson } from "./read-json";

describe("handleApiError", () => {
  it.each([
    [new AppError("not_found", "Clip not found."), 404, { error: { code: "not_found", message: "Clip not found." } }],
    [
      new AppError("unauthorized", "Sign in to continue."),
      401,
      { error: { code: "unauthorized", message: "Sign in to continue." } },
    ],
    [
      z.object({ a: z.number() }).safeParse({ a: "x" }).error!,
      422,
      { error: { code: "invalid_input", message: "a: Invalid input: expected number, received string" } },
    ],
  ])("maps %s", async (err, status, body) => {
    const res = handleApiError(err);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual(body);
  });

  it("keeps the headers an AppError names (Retry-After on a 429)", async () => {
    const res = handleApiError(new AppError("rate_limited", "Slow down.", { "retry-after": "42" }));
    expect([res.status, res.headers.get("retry-after"), await res.json()]).toEqual([
      429,
      "42",
      { error: { code: "rate_limited", message: "Slow down." } },
    ]);
  });

  it("never leaks internal error text", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = handleApiError(new Error("connect ECONNREFUSED 10.0.0.5:5432 password=hunter2"));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: "internal", message: "Something went wrong on our side." } });
    spy.mockRestore();
  });
});

describe("readJson", () => {
  const schema = z.object({ source: z.string() });
  const req = (body: string, headers: Record<string, string> = {}) =>
    new Request("http://x/", { method: "POST", body, headers });

  it.each([
    ["{not json", { code: "bad_request", message: "Request body is not valid JSON." }],
    ["x".repeat(70_000), { code: "payload_too_large", message: "Request body is larger than 65536 bytes." }],
  ])("rejects %#", async (body, expected) => {
    await expect(readJson(req(body), schema)).rejects.toMatchObject(expected);
  });

  it("parses a valid body", async () => {
    await expect(readJson(req('{"source":"a"}'), schema)).resolves.toEqual({ source: "a" });
  });
});
