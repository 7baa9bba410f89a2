import { expect, test } from "./fixtures";

test.use({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });

test("streamer clip settings at phone size: validated, saved, and still there after a reload", async ({ page }) => {
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  await page.getByLabel("Email").fill(`clip-settings-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);

  const add = page.getByRole("form", { name: "Add a streamer" });
  await add.getByLabel(/Stream URL/).fill(process.env.E2E_STREAM_URL ?? "");
  await add.getByLabel(/Name/).fill("Phone settings");
  await add.getByRole("button", { name: "Add streamer" }).click();

  const open = page.getByRole("button", { name: "Clip settings for Phone settings" });
  await open.click();
  const form = page.getByRole("form", { name: "Clip settings for Phone settings" });
  await expect(form).toBeVisible();
  // Fits the phone: no horizontal scrolling.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // Bad input: the API's message reaches the user, nothing is saved.
  await form.getByLabel("Min seconds").fill("90");
  await form.getByLabel("Max seconds").fill("30");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(form.getByRole("alert")).toHaveText("minClipSeconds must not exceed maxClipSeconds.");

  await form.getByRole("button", { name: "30–180 s" }).click();
  await expect(form.getByRole("button", { name: "30–180 s" })).toHaveAttribute("aria-pressed", "true");
  await form.getByLabel(/Minimum score/).fill("55");
  await form.getByLabel(/What to clip/).fill("Boss fights and clutch plays");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(form).toBeHidden();

  await page.reload();
  await page.getByRole("button", { name: "Clip settings for Phone settings" }).click();
  const again = page.getByRole("form", { name: "Clip settings for Phone settings" });
  await expect(again.getByLabel("Min seconds")).toHaveValue("30");
  await expect(again.getByLabel("Max seconds")).toHaveValue("180");
  await expect(again.getByRole("button", { name: "30–180 s" })).toHaveAttribute("aria-pressed", "true");
  await expect(again.getByLabel(/Minimum score/)).toHaveValue("55");
  await expect(again.getByLabel(/What to clip/)).toHaveValue("Boss fights and clutch plays");
  await page.screenshot({ path: ".data/e2e/streamer-settings-phone.png", fullPage: true });
});
