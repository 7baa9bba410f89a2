import { expect, test } from "./fixtures";

/** A mint the global setup's fake pump.fun API reports offline (an empty 200 body), as pump.fun does. */
const MINT = "2qEHjDLDLbuBgRYvsxhc5D6uDWAivNFZGan56P1tpump";

test("pump.fun streamer: a bad mint gets a clear error and saves nothing; a coin link is added, marked pump.fun, checked offline, not recordable, removed", async ({
  page,
}) => {
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  await page.getByLabel("Email").fill(`pumpfun-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);

  const form = page.getByRole("form", { name: "Add a streamer" });
  await expect(form.getByLabel(/Stream URL/)).toHaveAccessibleDescription(/pump\.fun: paste the coin link/);
  await form.getByLabel(/Stream URL/).fill(`https://pump.fun/coin/${MINT.slice(0, 20)}`);
  await form.getByRole("button", { name: "Add streamer" }).click();
  await expect(form.getByRole("alert")).toHaveText("A pump.fun mint id is 32 to 44 characters long; this one has 20.");
  await expect(page.getByRole("region", { name: "Streamers" })).toContainText("Add a stream URL to start clipping");

  await form.getByLabel(/Stream URL/).fill(`https://pump.fun/coin/${MINT}`);
  await form.getByRole("button", { name: "Add streamer" }).click();
  const streamers = page.getByRole("region", { name: "Streamers" });
  await expect(streamers.getByText(`pump.fun ${MINT.slice(0, 6)}…`)).toBeVisible();
  await expect(streamers.getByTestId("streamer-kind")).toHaveText("pump.fun");
  // The go-live check asked the (fake) livestream API, which answered offline (an API failure would show instead).
  await expect(streamers.getByText(/^checked /)).toBeVisible({ timeout: 30_000 });
  await expect(streamers.getByTestId("streamer-status")).toHaveText("Offline");

  // Record now: the coin is not live, and the row says so.
  await streamers.getByRole("button", { name: `Record pump.fun ${MINT.slice(0, 6)}… now` }).click();
  await expect(streamers.getByRole("alert")).toHaveText(
    `pump.fun ${MINT.slice(0, 6)}… is not live (pump.fun shows no stream for this coin).`,
  );

  // Removing asks first; with no clips there is nothing to keep.
  await streamers.getByRole("button", { name: `Remove pump.fun ${MINT.slice(0, 6)}…` }).click();
  const dialog = page.getByRole("dialog", { name: `Remove pump.fun ${MINT.slice(0, 6)}…?` });
  await expect(dialog).toContainText("its recordings are deleted");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await streamers.getByRole("button", { name: `Remove pump.fun ${MINT.slice(0, 6)}…` }).click();
  await dialog.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(streamers).toContainText("Add a stream URL to start clipping");
});
