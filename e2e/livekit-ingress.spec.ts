import { expect, test } from "./fixtures";

test("a LiveKit room streamer: added as livekit:<room>, creates an RTMP ingress and shows its URL and key once", async ({
  page,
}) => {
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  await page.getByLabel("Email").fill(`livekit-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);

  const add = page.getByRole("form", { name: "Add a streamer" });
  await add.getByLabel(/Stream URL/).fill("livekit:e2e-room");
  await add.getByRole("button", { name: "Add streamer" }).click();
  await expect(page.getByRole("region", { name: "Streamers" }).getByText("e2e-room", { exact: true })).toBeVisible();
  // The room does not exist yet on the LiveKit server: offline.
  await expect(page.getByTestId("streamer-status")).toHaveText("Offline");

  await page.getByRole("button", { name: "Clip settings for e2e-room" }).click();
  const push = page.getByRole("region", { name: "Push to this room" });
  await push.getByRole("button", { name: "Create RTMP ingress" }).click();
  const shown = push.getByRole("definition");
  await expect(shown.first()).toHaveText(/^rtmp:\/\/127\.0\.0\.1:\d+\/x$/);
  await expect(shown.nth(1)).toHaveText(/^\S{12,}$/);
  const key = await shown.nth(1).textContent();

  // Shown once: after a reload the key is nowhere on the page.
  await page.reload();
  await page.getByRole("button", { name: "Clip settings for e2e-room" }).click();
  await expect(page.getByRole("region", { name: "Push to this room" })).toBeVisible();
  expect(await page.content()).not.toContain(key!);
});
