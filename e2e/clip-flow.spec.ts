import { expect, test } from "./fixtures";

const streamUrl = () => {
  const u = process.env.E2E_STREAM_URL;
  if (!u) throw new Error("E2E_STREAM_URL is set by the global setup");
  return u;
};

test("sign up, add a live stream, watch a clip appear, share it publicly", async ({ page, browser }) => {
  const email = `e2e-${Date.now()}@example.com`;
  // Signed out, `/` is the landing page: what Clipstream does, with a demo clip that plays.
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("while they are still live");
  const demo = page.getByLabel("A clip Clipstream made from a stream");
  await expect.poll(() => demo.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 10_000 }).toBeGreaterThan(0);
  await page.getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/sign-in/);
  await page.getByRole("link", { name: "Create an account" }).click();
  // The sign-in form is the same component: wait for the sign-up page itself, or the fill could land in the
  // sign-in form the navigation is about to replace.
  await expect(page).toHaveURL(/sign-up/);
  await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
  await expect(page.locator("form[data-ready]")).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);

  // Bad input: a clear message, nothing saved.
  const form = page.getByRole("form", { name: "Add a streamer" });
  await form.getByLabel(/Stream URL/).fill("ftp://example.com/live");
  await form.getByRole("button", { name: "Add streamer" }).click();
  await expect(form.getByRole("alert")).toContainText('Unsupported protocol "ftp"');
  await expect(page.getByRole("region", { name: "Streamers" })).toContainText("Add a stream URL to start clipping");

  await form.getByLabel(/Stream URL/).fill(streamUrl());
  await form.getByLabel(/Name/).fill("E2E streamer");
  await form.getByRole("button", { name: "Add streamer" }).click();
  await expect(page.getByTestId("streamer-status")).toHaveText("● LIVE", { timeout: 30_000 });

  // Segments show up and move through processing while the stream is live — no reload.
  await expect(page.getByTestId("segment").first()).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('[data-testid="segment"][data-status="DONE"]').first()).toBeVisible({ timeout: 60_000 });

  // A clip appears (and finishes rendering) while the session is still recording.
  const clip = page.getByRole("link", { name: /^Clip:/ }).first();
  await expect(clip).toBeVisible({ timeout: 120_000 });
  await expect(clip.locator("img")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("session").first()).toContainText("● recording");

  await clip.click();
  await expect(page).toHaveURL(/\/clips\//);
  const clipPath = new URL(page.url()).pathname;
  await expect(page.getByTestId("clip-score")).toHaveText(/^\d+$/);
  await expect(page.getByTestId("clip-reason")).toContainText(/loud|keyword|speech/i);
  // Which engines made the clip and its transcript (offline here: no GROQ_API_KEY), and the honesty note.
  await expect(page.getByTestId("clip-engine")).toHaveText("Offline signal detector (loudness, keywords, speech rate)");
  await expect(page.getByTestId("transcript-engine")).toHaveText("PocketSphinx, offline · en-us");
  await expect(page.getByText("offline transcription is rough")).toBeVisible();
  const video = page.getByTestId("clip-player");
  await expect(video).toHaveAttribute("src", /\/api\/media\/clips\//);
  const playable = await video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<number>((resolve) => {
        if (v.readyState >= 1) return resolve(v.duration);
        v.addEventListener("loadedmetadata", () => resolve(v.duration), { once: true });
        v.load();
      }),
  );
  expect(playable).toBeGreaterThan(3);

  await page.getByRole("button", { name: "Create share link" }).click();
  const shareUrl = await page.getByLabel("Share link").inputValue();
  expect(shareUrl).toMatch(/\/c\/[\w-]+$/);

  // Signed out, at a phone viewport.
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const pub = await phone.newPage();
  const res = await pub.goto(shareUrl);
  expect(res?.status()).toBe(200);
  await expect(pub.getByRole("heading", { level: 1 })).toBeVisible();
  const og = await pub.locator('meta[property="og:video"]').getAttribute("content");
  expect(og).toMatch(/\/api\/media\/clips\//);
  const media = await pub.request.get(og!);
  expect(media.status()).toBe(200);
  expect(media.headers()["content-type"]).toBe("video/mp4");
  await pub.screenshot({ path: ".data/e2e/share-phone.png", fullPage: true });
  await phone.close();

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/dashboard");
  await expect(page.getByRole("link", { name: /^Clip:/ }).first()).toBeVisible();
  await page.screenshot({ path: ".data/e2e/dashboard-phone.png", fullPage: true });

  // Someone else's clip is not visible to a different account.
  const other = await browser.newContext();
  const op = await other.newPage();
  await op.goto("/sign-up");
  await expect(op.locator("form[data-ready]")).toBeVisible();
  await op.getByLabel("Email").fill(`other-${Date.now()}@example.com`);
  await op.getByLabel("Password").fill("another password 1");
  await op.getByRole("button", { name: "Create account" }).click();
  await expect(op).toHaveURL(/dashboard/);
  const apiRes = await op.request.get(`/api${clipPath}`);
  expect(apiRes.status()).toBe(404);
  await other.close();
});
