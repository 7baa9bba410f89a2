import fs from "node:fs";
import { expect, test, type Locator, type Page } from "./fixtures";

const streamUrl = () => {
  const u = process.env.E2E_STREAM_URL;
  if (!u) throw new Error("E2E_STREAM_URL is set by the global setup");
  return u;
};
const shots = ".data/e2e";

/** The <video>'s duration once its metadata loaded (a playable file), else throws. */
async function loadedDuration(video: Locator): Promise<number> {
  return video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<number>((resolve, reject) => {
        if (v.readyState >= 1) return resolve(v.duration);
        v.addEventListener("loadedmetadata", () => resolve(v.duration), { once: true });
        v.addEventListener("error", () => reject(new Error(`video error ${v.error?.code}`)), { once: true });
        v.load();
      }),
  );
}

/** "Clip that" by `how` with `seconds` selected; returns the press → playable times and the clip's duration. */
async function clipThat(page: Page, seconds: number, how: "key" | "button") {
  const live = page.getByRole("region", { name: "Live" });
  await live.getByRole("radio", { name: `${seconds} s` }).click();
  const markers = live.getByTestId("live-marker");
  const before = await markers.count();
  const t0 = Date.now();
  if (how === "key") {
    await page.locator("body").click({ position: { x: 2, y: 2 } }); // focus the page, not an input
    await page.keyboard.press("c");
  } else await live.getByRole("button", { name: /^✂ Clip that/ }).click();
  const toast = page.getByTestId("clip-that-toast");
  await expect(toast).toBeVisible();
  // Once the POST answers, the new clip is a marker at once, without a reload (pending until it renders).
  await expect(toast).not.toHaveAttribute("data-status", "SENDING", { timeout: 30_000 });
  await expect(markers).toHaveCount(before + 1, { timeout: 5_000 });
  await expect(toast).toHaveAttribute("data-status", "READY", { timeout: 30_000 });
  const video = toast.getByTestId("clip-that-video");
  const duration = await loadedDuration(video);
  const wallMs = Date.now() - t0;
  const pageMs = Number(await toast.getAttribute("data-ready-ms"));
  await expect(live.locator('[data-testid="live-marker"][data-status="READY"]').first()).toBeVisible();
  const id = (await toast.getByRole("link", { name: "Open" }).getAttribute("href"))!.split("/").pop()!;
  const { clip } = (await (await page.request.get(`/api/clips/${id}`)).json()) as {
    clip: { startTime: number; endTime: number; duration: number };
  };
  return { seconds, how, pageMs, wallMs, duration, stored: clip };
}

/** The longest live part now in the session's playlist (its #EXTINF), in seconds. */
async function longestPart(page: Page, sessionId: string): Promise<number> {
  const m3u8 = await (await page.request.get(`/api/sessions/${sessionId}/live.m3u8`)).text();
  return Math.max(...[...m3u8.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1])));
}

/**
 * What "Clip that" promises (docs/decisions/012): the clip is cut by stream copy from the part boundary at or
 * before the moment asked for, so its length is within one part of the request; the range it stores is the
 * one its file holds.
 */
function expectTrueLength(t: Awaited<ReturnType<typeof clipThat>>, part: number) {
  expect(Math.abs(t.stored.duration - t.duration)).toBeLessThanOrEqual(0.5);
  expect(Math.abs(t.stored.endTime - t.stored.startTime - t.duration)).toBeLessThanOrEqual(0.5);
  expect(Math.abs(t.duration - t.seconds)).toBeLessThanOrEqual(part);
}

test("live view: the stream plays, clips show as markers without a reload, Clip that gives a playable clip", async ({
  page,
}) => {
  test.setTimeout(480_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  await page.getByLabel("Email").fill(`live-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);
  const form = page.getByRole("form", { name: "Add a streamer" });
  await form.getByLabel(/Stream URL/).fill(streamUrl());
  await form.getByLabel(/Name/).fill("Live view streamer");
  await form.getByRole("button", { name: "Add streamer" }).click();
  await expect(page.getByTestId("streamer-status")).toHaveText("● LIVE", { timeout: 30_000 });
  await page.getByTestId("session").first().getByRole("link", { name: "Live view streamer" }).click();
  await expect(page).toHaveURL(/\/sessions\//);

  // --- It plays: the live video's clock advances, a few seconds behind the edge. ---
  const live = page.getByRole("region", { name: "Live" });
  const video = live.getByTestId("live-video");
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 60_000 })
    .toBeGreaterThan(1);
  const t1 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await page.waitForTimeout(3_000);
  const t2 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  expect(t2 - t1).toBeGreaterThan(2);
  await expect(live.getByTestId("live-badge")).toBeVisible();
  await expect(live.getByText(/s behind live/)).toBeVisible();
  await expect(live.getByTestId("live-playhead")).toBeVisible();
  const muted = await video.evaluate((v: HTMLVideoElement) => v.muted);
  expect(muted).toBe(true);
  await live.getByRole("button", { name: /Unmute/ }).click();
  expect(await video.evaluate((v: HTMLVideoElement) => v.muted)).toBe(false);

  // --- Clip that: the C key with 15 s, then the button with the default-size 30 s (session is long enough). ---
  const sessionId = new URL(page.url()).pathname.split("/").pop()!;
  const edgeNow = async () =>
    ((await (await page.request.get(`/api/sessions/${sessionId}/live`)).json()).live?.edge ?? 0) as number;
  await expect.poll(edgeNow, { timeout: 60_000 }).toBeGreaterThan(35);
  const timings = [await clipThat(page, 15, "key")];
  await page.screenshot({ path: `${shots}/live-view-desktop.png`, fullPage: true });
  timings.push(await clipThat(page, 30, "button"));
  const part = await longestPart(page, sessionId);
  for (const t of timings) expectTrueLength(t, part);
  // A key typed into a field is not "Clip that".
  const count = await live.getByTestId("live-marker").count();
  await page.getByRole("region", { name: "Timeline" }).getByLabel("Title (optional)").fill("c");
  await page.waitForTimeout(1_000);
  await expect(live.getByTestId("live-marker")).toHaveCount(count);

  // --- Phone size: the player, the controls and the markers fit. ---
  await page.setViewportSize({ width: 390, height: 844 });
  timings.push(await clipThat(page, 15, "button"));
  expectTrueLength(timings.at(-1)!, await longestPart(page, sessionId));
  await page.screenshot({ path: `${shots}/live-view-phone.png`, fullPage: true });
  const box = await video.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(390);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // --- A detected clip (the excited passage) joins the markers while we watch, no reload. ---
  await expect(live.locator('[data-testid="live-marker"]:not([aria-label^="Clip: Clip that"])').first()).toBeVisible({
    timeout: 240_000,
  });
  await page.screenshot({ path: `${shots}/live-view-phone-detected.png`, fullPage: true });

  fs.writeFileSync(`${shots}/live-view-timings.json`, JSON.stringify(timings, null, 2));
  console.log("Clip that press → playable:", JSON.stringify(timings));
});
