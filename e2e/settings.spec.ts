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

test("account: change the password, sign in with it, forgot-password help, delete the account", async ({ page }) => {
  const email = `account-${Date.now()}@example.com`;
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);

  await page.goto("/settings");
  const change = page.getByRole("form", { name: "Change password" });
  await change.getByLabel("Current password").fill("wrong horse battery");
  await change.getByLabel(/New password/).fill("staple horse battery");
  await change.getByRole("button", { name: "Change password" }).click();
  await expect(change.getByRole("alert")).toHaveText("Invalid password");
  await change.getByLabel("Current password").fill("correct horse battery");
  await change.getByRole("button", { name: "Change password" }).click();
  await expect(change.getByRole("status")).toHaveText("Password changed. Other devices are signed out.");

  // Signed out, the new password signs in; the sign-in page's "Forgot" explains the operator's link here.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/sign-in/);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("main")).toContainText("npm run user -- reset-password");
  await page.getByRole("link", { name: "Back to sign in" }).click();
  await expect(page.locator("form[data-ready]")).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("staple horse battery");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/dashboard/);

  await page.goto("/settings");
  const del = page.getByRole("form", { name: "Delete account" });
  await del.getByLabel(/Your password/).fill("wrong horse battery");
  await del.getByRole("button", { name: /Delete my account/ }).click();
  await expect(del.getByRole("alert")).toHaveText("Invalid password");
  await del.getByLabel(/Your password/).fill("staple horse battery");
  await del.getByRole("button", { name: /Delete my account/ }).click();
  await expect(page).toHaveURL(/sign-up/);
  expect((await page.request.get("/api/streamers")).status()).toBe(401);
});
