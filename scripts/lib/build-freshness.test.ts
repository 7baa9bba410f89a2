import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildIsFresh } from "./build-freshness";

describe("buildIsFresh", () => {
  let root: string;
  const touch = (rel: string, atMs: number) => {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, rel);
    fs.utimesSync(p, atMs / 1000, atMs / 1000);
  };
  const t0 = Date.parse("2026-12-01T00:00:00Z");

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "build-fresh-"));
    touch("app/page.tsx", t0);
    touch("lib/db.ts", t0);
    touch("next.config.mjs", t0);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("is stale when there is no build", () => {
    expect(buildIsFresh(root)).toBe(false);
  });

  it("is fresh when the build is newer than every source", () => {
    touch(".next/BUILD_ID", t0 + 1000);
    expect(buildIsFresh(root)).toBe(true);
  });

  it.each([["app/page.tsx"], ["lib/new-module.ts"], ["next.config.mjs"], ["package-lock.json"], ["public/demo.mp4"]])(
    "is stale after %s changes",
    (file) => {
      touch(".next/BUILD_ID", t0 + 1000);
      touch(file, t0 + 2000);
      expect(buildIsFresh(root)).toBe(false);
    },
  );

  it("ignores files outside the build's inputs and inside node_modules", () => {
    touch(".next/BUILD_ID", t0 + 1000);
    touch("test/pipeline.test.ts", t0 + 2000);
    touch("lib/node_modules/x/index.js", t0 + 2000);
    touch("README.md", t0 + 2000);
    expect(buildIsFresh(root)).toBe(true);
  });
});
