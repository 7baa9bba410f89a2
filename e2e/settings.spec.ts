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

test("API tokens: create one (shown once), call the API with it, revoke it → 401", async ({ page }) => {
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  await page.getByLabel("Email").fill(`tokens-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);

  await page.goto("/settings");
  const section = page.getByRole("region", { name: "API tokens" });
  await expect(section.getByText("No tokens yet.")).toBeVisible();
  await section.getByLabel("Name").fill("Clip bot");
  await section.getByLabel("Access").selectOption("write");
  await section.getByRole("button", { name: "Create token" }).click();
  const secret = (await section.getByTestId("new-token").textContent())!.trim();
  expect(secret).toMatch(/^cs_[A-Za-z0-9_-]{43}$/);
  const row = section.getByRole("listitem", { name: "Token Clip bot" });
  await expect(row).toContainText("read + write");
  await expect(row).toContainText("never used");

  // A client with no cookies at all (plain fetch from the test process), as a script would call.
  const origin = new URL(page.url()).origin;
  const call = (init?: RequestInit) =>
    fetch(`${origin}/api/streamers`, { ...init, headers: { authorization: `Bearer ${secret}`, ...init?.headers } });
  const listed = await call();
  expect(listed.status).toBe(200);
  expect(await listed.json()).toEqual({ streamers: [] });
  const bad = await call({ method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  expect(bad.status).toBe(422);

  await section.getByRole("button", { name: "Done" }).click();
  await expect(section.getByTestId("new-token")).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("listitem", { name: "Token Clip bot" })).toContainText("last used");
  await page.getByRole("listitem", { name: "Token Clip bot" }).getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("button", { name: "Revoke for good" }).click();
  await expect(page.getByRole("region", { name: "API tokens" }).getByText("No tokens yet.")).toBeVisible();
  const after = await call();
  expect([after.status, await after.json()]).toEqual([
    401,
    { error: { code: "unauthorized", message: "Invalid API token." } },
  ]);
});
