import { expect, test } from "./fixtures";

test("Record / Stop: stop a live recording (the check leaves that broadcast alone), then record it again", async ({
  page,
}) => {
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  await page.getByLabel("Email").fill(`controls-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);

  const add = page.getByRole("form", { name: "Add a streamer" });
  await add.getByLabel(/Stream URL/).fill(process.env.E2E_STREAM_URL!);
  await add.getByLabel(/Name/).fill("Controls");
  await add.getByRole("button", { name: "Add streamer" }).click();
  const streamers = page.getByRole("region", { name: "Streamers" });
  // Watched and live: recorded at once.
  const stop = streamers.getByRole("button", { name: "Stop recording Controls" });
  await expect(stop).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("region", { name: "Live now" })).toContainText("Controls");

  await stop.click();
  const record = streamers.getByRole("button", { name: "Record Controls now" });
  await expect(record).toBeVisible({ timeout: 30_000 });
  await expect(streamers).toContainText("Recording stopped: this broadcast is not recorded again unless you start it.");
  await expect(page.getByRole("region", { name: "Live now" })).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByRole("region", { name: "Past sessions" })).toContainText("Controls");

  await record.click();
  await expect(streamers.getByRole("button", { name: "Stop recording Controls" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("region", { name: "Live now" })).toContainText("Controls");
  expect((await (await page.request.get("/api/recordings")).json()).recordings).toHaveLength(1);
});
