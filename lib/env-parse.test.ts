import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EnvError, parseEnv } from "./env-parse";

const Z = z.object({
  PORT: z.coerce.number().int().min(1).default(3000),
  URL: z.string().url(),
});

describe("parseEnv", () => {
  it("returns the parsed values with defaults", () => {
    expect(parseEnv(Z, { URL: "http://x.test" })).toEqual({ PORT: 3000, URL: "http://x.test" });
  });

  it("lists every bad variable, one per line", () => {
    let err: unknown;
    try {
      parseEnv(Z, { PORT: "zero", URL: "nope" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvError);
    const lines = (err as EnvError).message.split("\n");
    expect(lines[0]).toBe("Invalid environment:");
    expect(lines.slice(1)).toHaveLength(2);
    expect(lines[1]).toMatch(/^ {2}PORT: /);
    expect(lines[2]).toMatch(/^ {2}URL: /);
  });
});

describe("parseEnv with empty values", () => {
  it("treats an empty value as unset, so the default applies", () => {
    expect(parseEnv(Z, { PORT: "", URL: "http://x.test" })).toEqual({ PORT: 3000, URL: "http://x.test" });
  });
});
