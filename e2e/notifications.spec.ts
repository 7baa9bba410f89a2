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

test("notifications: turned on in Settings (push where the browser can, else in the tab); a clip ready on a notifying streamer shows one while the tab is in the background", async ({
  page,
  context,
  baseURL,
}) => {
  await context.grantPermissions(["notifications"], { origin: baseURL });
  // Records what the page shows (the real Notification still runs), and puts the tab in the background.
  await context.addInitScript(() => {
    const w = window as unknown as { __shown: { title: string; options?: NotificationOptions }[] };
    w.__shown = [];
    const Real = window.Notification;
    class Recording extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        w.__shown.push({ title, options });
      }
    }
    window.Notification = Recording as typeof Notification;
    document.hasFocus = () => false;
  });
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  const email = `notify-${Date.now()}@example.com`;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);

  await page.goto("/settings");
  const card = page.getByRole("region", { name: "Notifications" });
  await card.getByRole("button", { name: /Turn on|Try push again/ }).click();
  // Headless Chromium has no push service: the page says notifications come while it is open.
  await expect(card.getByRole("status")).toContainText("notifications show while Clipstream is open");

  const created = await page.request.post("/api/streamers", {
    data: { source: "http://127.0.0.1:9/live/notify.m3u8", name: "Notify streamer" },
  });
  const { streamer } = (await created.json()) as { streamer: { id: string } };
  await page.goto("/dashboard");
  await page
    .getByRole("button", { name: /settings/i })
    .first()
    .click();
  await page.getByLabel(/Notify me when a clip is ready/).check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`/api/streamers/${streamer.id}`)).json()) as { streamer: { notify: boolean } })
          .streamer.notify,
    )
    .toBe(true);
  await expect(page.locator("html")).toHaveAttribute("data-push", "on");

  const db = new pg.Client({ connectionString: databaseUrl() });
  await db.connect();
  const clipId = `notify-c-${randomUUID()}`;
  try {
    const userId = (await db.query<{ id: string }>(`SELECT id FROM "user" WHERE email = $1`, [email])).rows[0].id;
    const sessionId = `notify-s-${randomUUID()}`;
    await db.query(
      `INSERT INTO "LiveSession" (id, "userId", "streamerId", status, "segmentSeconds") VALUES ($1, $2, $3, 'RECORDING', 900)`,
      [sessionId, userId, streamer.id],
    );
    await db.query(
      `INSERT INTO "Clip" (id, "userId", "streamerId", "sessionId", "detectionKey", "startTime", "endTime", title,
         reason, score, engine, status, "updatedAt")
       VALUES ($1, $2, $3, $4, 'n', 1, 20, 'What a play', 'loud', 91, 'offline', 'RENDERING', now())`,
      [clipId, userId, streamer.id, sessionId],
    );
    await db.query(`UPDATE "Clip" SET status = 'READY' WHERE id = $1`, [clipId]);
  } finally {
    await db.end();
  }
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __shown: unknown[] }).__shown), { timeout: 10_000 })
    .toEqual([
      {
        title: "New clip from Notify streamer",
        options: { body: "What a play · score 91", tag: `clip-${clipId}`, icon: "/icon.svg" },
      },
    ]);
});
