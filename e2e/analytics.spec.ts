import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { expect, test } from "./fixtures";

/** The stack's database (written by scripts/stack.ts at start-up): the test plays the pipeline's part. */
function databaseUrl(): string {
  return (JSON.parse(fs.readFileSync(path.resolve(".data/e2e/stack.json"), "utf8")) as { databaseUrl: string })
    .databaseUrl;
}

/** Whether a canvas has anything drawn on it (some pixel not fully transparent). */
const drawn = (el: Element) => {
  const c = el as HTMLCanvasElement;
  const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) return true;
  return false;
};

test("analytics: totals, four charts and tables from the account's clips, CSV download; phone and desktop", async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  const email = `analytics-${Date.now()}@example.com`;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);
  const created = await page.request.post("/api/streamers", {
    data: { source: "http://127.0.0.1:9/live/analytics.m3u8", name: "Chart streamer" },
  });
  expect(created.status()).toBe(201);
  const { streamer } = (await created.json()) as { streamer: { id: string } };

  // Two hours recorded yesterday, three clips (one approved, one rejected), each ready 8–14 s after its moment.
  const db = new pg.Client({ connectionString: databaseUrl() });
  await db.connect();
  try {
    const userId = (await db.query<{ id: string }>(`SELECT id FROM "user" WHERE email = $1`, [email])).rows[0].id;
    const sessionId = `an-s-${randomUUID()}`;
    await db.query(
      `INSERT INTO "LiveSession" (id, "userId", "streamerId", status, "segmentSeconds", "startedAt", "endedAt")
       VALUES ($1, $2, $3, 'ENDED', 900, (now() AT TIME ZONE 'UTC') - interval '26 hours',
               (now() AT TIME ZONE 'UTC') - interval '24 hours')`,
      [sessionId, userId, streamer.id],
    );
    const clips: [number, string, number, string[], number][] = [
      [600, "APPROVED", 82, ["loud", "no-way"], 8],
      [2400, "REJECTED", 41, ["hype"], 14],
      [5400, "PENDING", 67, ["loud", "lets-go"], 10],
    ];
    for (const [end, review, score, tags, after] of clips) {
      await db.query(
        `INSERT INTO "Clip" (id, "userId", "streamerId", "sessionId", "detectionKey", origin, "startTime", "endTime",
           title, reason, score, tags, engine, status, review, "createdAt", "updatedAt", "readyAt")
         SELECT $1, $2, $3, $4, $1, 'LIVE', $5 - 20, $5, 'Moment', 'loud', $6, $7, 'offline', 'READY', $8::"ClipReview",
                s."startedAt" + ($5 + $9) * interval '1 second', now(), s."startedAt" + ($5 + $9) * interval '1 second'
         FROM "LiveSession" s WHERE s.id = $4`,
        [`an-c-${randomUUID()}`, userId, streamer.id, sessionId, end, score, tags, review, after],
      );
    }
  } finally {
    await db.end();
  }

  await page.getByRole("link", { name: "Analytics" }).click();
  await expect(page).toHaveURL(/analytics/);
  const totals = page.getByRole("region", { name: "Totals" });
  await expect(totals).toContainText("Hours recorded2");
  await expect(totals).toContainText("Clips3");
  await expect(totals).toContainText("Clips per hour1.5");
  await expect(totals).toContainText("Approved50 %");
  await expect(totals).toContainText("Moment → clip10 s");
  const canvases = page.locator("canvas[data-chart]");
  await expect(canvases).toHaveCount(4);
  for (const c of await canvases.all()) expect(await c.evaluate(drawn)).toBe(true);
  await expect(page.getByRole("region", { name: "Per streamer" })).toContainText("Chart streamer");
  await page.screenshot({ path: testInfo.outputPath("analytics-desktop.png"), fullPage: true });

  // CSV of the streamers table, as the link downloads it.
  const href = await page
    .getByRole("region", { name: "Per streamer" })
    .getByRole("link", { name: "CSV" })
    .getAttribute("href");
  const csv = await page.request.get(href!);
  expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  expect((await csv.text()).split("\r\n").slice(0, 2)).toEqual([
    "streamer,id,hours_recorded,clips,clips_per_hour,approval_rate,average_score,latency_median_s",
    `Chart streamer,${streamer.id},2,3,1.5,0.5,63.33,10`,
  ]);

  // One streamer picked: its sessions' table appears.
  await page.getByRole("combobox", { name: /^Streamer/ }).selectOption(streamer.id);
  await expect(page.getByRole("region", { name: "Per session" })).toContainText("3");

  // Phone: the same charts, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.locator("canvas[data-chart]")).toHaveCount(4);
  for (const c of await page.locator("canvas[data-chart]").all()) expect(await c.evaluate(drawn)).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: testInfo.outputPath("analytics-phone.png"), fullPage: true });
});
