import { expect, test } from "./fixtures";

test("retention setting: shown, validated, saved, and still there after a reload", async ({ page }) => {
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  await page.getByLabel("Email").fill(`settings-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);

  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/settings/);
  const form = page.getByRole("form", { name: "Retention" });
  const hours = form.getByLabel(/Keep recordings for/);
  await expect(hours).toHaveValue("48");

  // The API's own validation message reaches the user (the browser's min/max is bypassed on purpose).
  await hours.evaluate((el) => el.removeAttribute("max"));
  await hours.fill("1000");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert")).toHaveText("retentionHours: Too big: expected number to be <=720");

  await hours.fill("12");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved.");
  await page.reload();
  await expect(page.getByRole("form", { name: "Retention" }).getByLabel(/Keep recordings for/)).toHaveValue("12");
});
