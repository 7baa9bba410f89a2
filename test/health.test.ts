/** GET /api/health: 200 with the database up (the isolation suite), 503 within its 2 s bound when it is not. */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("GET /api/health", () => {
  it("answers 503 'unavailable' when PostgreSQL cannot be reached", () => {
    const out = execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `import("./app/api/health/route.ts").then(async ({ GET }) => {
           const res = await GET(new Request("http://app/api/health"), undefined);
           console.log(JSON.stringify({ status: res.status, body: await res.json() }));
           process.exit(0);
         });`,
      ],
      {
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: "postgresql://nobody:x@127.0.0.1:1/none", NODE_ENV: "test" },
        timeout: 60_000,
      },
    );
    const { status, body } = JSON.parse(out.trim().split("\n").at(-1)!) as {
      status: number;
      body: { status: string; database: string; ms: number };
    };
    expect(status).toBe(503);
    expect(body.status).toBe("unavailable");
    expect(["unreachable", "timeout"]).toContain(body.database);
  });
});
