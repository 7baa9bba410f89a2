import path from "node:path";
import { expect, test } from "./fixtures";

/** A coin the fake pump.fun API reports offline: a streamer to import a past broadcast into. */
const MINT = "2qEHjDLDLbuBgRYvsxhc5D6uDWAivNFZGan56P1tpump";

test("import a recording file: it uploads, replays fast, its clips appear; a clip is deleted", async ({ page }) => {
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  await page.getByLabel("Email").fill(`import-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);

  // No streamer yet: nothing to import into.
  await expect(page.getByRole("form", { name: "Import a recording" })).toHaveCount(0);
  const add = page.getByRole("form", { name: "Add a streamer" });
  await add.getByLabel(/Stream URL/).fill(MINT);
  await add.getByLabel(/Name/).fill("Coin show");
  await add.getByRole("button", { name: "Add streamer" }).click();

  const form = page.getByRole("form", { name: "Import a recording" });
  await expect(form.getByLabel("Into streamer")).toHaveValue(/.+/);
  // A live stream given as a recording: a clear error, nothing started.
  await form.getByLabel("A link").check();
  await form.getByLabel("Recording URL").fill(process.env.E2E_STREAM_URL!);
  await form.getByRole("button", { name: "Import" }).click();
  await expect(form.getByRole("alert")).toHaveText(
    "That URL is a live stream, not a recording: add it as a streamer to record it while it is live.",
  );

  await form.getByLabel("A file").check();
  await form.getByLabel("Recording file").setInputFiles(path.resolve(".data/e2e/sample.mp4"));
  await form.getByRole("button", { name: "Import" }).click();
  await expect(form.getByRole("status")).toContainText("Replaying", { timeout: 60_000 });

  // The replay is a session with the Recorded badge, and its excited passage becomes a clip.
  await expect(page.getByTestId("session").filter({ hasText: "Coin show" })).toContainText("Recorded", {
    timeout: 30_000,
  });
  const card = page
    .getByRole("link", { name: /^Clip: / })
    .and(page.locator('[data-status="READY"]'))
    .first();
  await expect(card).toBeVisible({ timeout: 180_000 });
  await card.click();
  await expect(page).toHaveURL(/\/clips\//);
  const clipUrl = page.url();
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Delete clip" }).click();
  await expect(page).toHaveURL(/\/clips$/);
  expect((await page.request.get(`/api/clips/${clipUrl.split("/").pop()}`)).status()).toBe(404);
});
