import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { expect, test } from "./fixtures";
import pg from "pg";

/** The stack's database (written by scripts/stack.ts at start-up): the test plays the pipeline's part. */
function databaseUrl(): string {
  return (JSON.parse(fs.readFileSync(path.resolve(".data/e2e/stack.json"), "utf8")) as { databaseUrl: string })
    .databaseUrl;
}

test("push: a clip turning READY shows on an open dashboard without a reload, while polling is slowed to 30 s", async ({
  page,
}) => {
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  const email = `push-${Date.now()}@example.com`;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);
  // The sign-up page's stream was refused (401); signing in navigates, and the stream opens at once.
  await expect(page.locator("html")).toHaveAttribute("data-push", "on", { timeout: 5_000 });
  const created = await page.request.post("/api/streamers", {
    data: { source: "http://127.0.0.1:9/live/push.m3u8", name: "Push streamer" },
  });
  expect(created.status()).toBe(201);
  const { streamer } = (await created.json()) as { streamer: { id: string } };

  const db = new pg.Client({ connectionString: databaseUrl() });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM "user" WHERE email = $1`, [email]);
    const userId = rows[0].id;
    const sessionId = `push-s-${randomUUID()}`;
    const clipId = `push-c-${randomUUID()}`;
    await db.query(
      `INSERT INTO "LiveSession" (id, "userId", "streamerId", status, "segmentSeconds") VALUES ($1, $2, $3, 'ENDED', 4)`,
      [sessionId, userId, streamer.id],
    );
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("data-push", "on");
    // A new clip (the detector's insert) appears on the open page.
    await db.query(
      `INSERT INTO "Clip" (id, "userId", "streamerId", "sessionId", "detectionKey", "startTime", "endTime", title,
         reason, score, engine, status, "updatedAt")
       VALUES ($1, $2, $3, $4, 'push', 2, 14, 'Pushed moment', 'r', 90, 'test', 'RENDERING', now())`,
      [clipId, userId, streamer.id, sessionId],
    );
    const card = page.getByRole("link", { name: "Clip: Pushed moment" });
    await expect(card).toHaveAttribute("data-status", "RENDERING", { timeout: 5_000 });

    // With the stream up the dashboard polls every 30 s, not every 2 s: no poll in a 3 s window.
    const dashboardGets: number[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname === "/api/dashboard") dashboardGets.push(Date.now());
    });
    await page.waitForTimeout(3_000);
    expect(dashboardGets).toEqual([]);

    // The pipeline's last write: the clip is READY. Only the push channel can bring it within 5 s.
    const t0 = Date.now();
    await db.query(`UPDATE "Clip" SET status = 'READY', duration = 12, "updatedAt" = now() WHERE id = $1`, [clipId]);
    await expect(card).toHaveAttribute("data-status", "READY", { timeout: 5_000 });
    const shownMs = Date.now() - t0;
    test.info().annotations.push({ type: "READY → shown (ms)", description: String(shownMs) });
    console.log(`[push] READY → shown on the open dashboard in ${shownMs} ms`);
  } finally {
    await db.end();
  }
});
