import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "./fixtures";

const streamUrl = () => {
  const u = process.env.E2E_STREAM_URL;
  if (!u) throw new Error("E2E_STREAM_URL is set by the global setup");
  return u;
};
const shots = ".data/e2e";

/** Downloads a media URL with the page's session and probes it with ffprobe. */
async function probe(page: Page, url: string, name: string) {
  const res = await page.request.get(url);
  expect(res.status()).toBe(200);
  const file = path.resolve(shots, name);
  fs.writeFileSync(file, await res.body());
  const out = execFileSync(
    "ffprobe",
    [
      "-v",
      "error",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=width,height:format=duration",
      "-of",
      "json",
      file,
    ],
    { encoding: "utf8" },
  );
  const j = JSON.parse(out) as { streams: { width: number; height: number }[]; format: { duration: string } };
  return { width: j.streams[0].width, height: j.streams[0].height, duration: Number(j.format.duration) };
}

test("trim a clip, edit its captions, export it for Shorts, cut a manual clip and zip a batch (phone + desktop)", async ({
  page,
  browser,
}) => {
  test.setTimeout(420_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  await page.getByLabel("Email").fill(`studio-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);
  const form = page.getByRole("form", { name: "Add a streamer" });
  await form.getByLabel(/Stream URL/).fill(streamUrl());
  await form.getByLabel(/Name/).fill("Studio streamer");
  await form.getByRole("button", { name: "Add streamer" }).click();

  const clipLink = page.getByRole("link", { name: /^Clip:/ }).first();
  await expect(clipLink.locator("img")).toBeVisible({ timeout: 180_000 });
  await clipLink.click();
  await expect(page).toHaveURL(/\/clips\//);
  const clipId = new URL(page.url()).pathname.split("/").pop()!;

  // --- Trim: the waveform and the looping preview load; a narrower range re-renders the file. ---
  const trim = page.getByRole("region", { name: "Trim" });
  await trim.getByRole("button", { name: "Trim clip" }).click();
  await expect(trim.getByTestId("waveform")).toBeVisible();
  await expect(trim.getByTestId("trim-preview")).toBeVisible({ timeout: 60_000 });
  const before = (await (await page.request.get(`/api/clips/${clipId}`)).json()).clip as {
    startTime: number;
    endTime: number;
    videoUrl: string;
  };
  const oldFile = await probe(page, before.videoUrl, "studio-before.mp4");
  const start = Math.round((before.startTime + 1.5) * 10) / 10;
  const end = Math.round((before.endTime - 1.2) * 10) / 10;
  await trim.getByLabel("Start (s)").fill(String(start));
  await trim.getByLabel("End (s)").fill(String(end));
  await expect(trim.getByTestId("trim-summary")).toContainText(`${(end - start).toFixed(1)} s`);
  await trim.getByRole("slider", { name: "Range end" }).focus();
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowRight");
  await trim.getByRole("button", { name: "Apply trim" }).click();
  await expect(trim.getByRole("status")).toContainText("the current clip stays until the new one is ready");
  await expect(trim.getByRole("status")).toBeHidden({ timeout: 90_000 });
  const after = (await (await page.request.get(`/api/clips/${clipId}`)).json()).clip as {
    startTime: number;
    endTime: number;
    videoUrl: string;
  };
  expect([after.startTime, after.endTime]).toEqual([start, end]);
  const newFile = await probe(page, after.videoUrl, "studio-after.mp4");
  expect(Math.abs(newFile.duration - (end - start))).toBeLessThanOrEqual(0.15);
  expect(oldFile.duration - newFile.duration).toBeGreaterThan(2.5);
  await expect(page.locator("main video").first()).toHaveAttribute("src", after.videoUrl);

  // --- Captions: edit the first cue; SRT and WebVTT carry the edit. ---
  const captions = page.getByRole("region", { name: "Captions" });
  const edited = "EDITED caption from the studio";
  const first = captions.getByLabel("Caption 1");
  // The trimmed range's captions load (the version changed with the range) before deciding what to edit.
  await expect(first.or(captions.getByText("No words were recognised in this clip."))).toBeVisible();
  if (!(await first.count())) {
    // Nothing recognised in this range: write a cue through the API the editor uses, then reload and edit it.
    const put = await page.request.put(`/api/clips/${clipId}/captions`, {
      data: { cues: [{ start: 0.5, end: 2.5, text: "a cue to edit" }] },
    });
    expect(put.status()).toBe(200);
    await page.reload();
  }
  await first.fill(edited);
  await captions.getByRole("button", { name: "Save captions" }).click();
  await expect(captions.getByText("Edited ·")).toBeVisible();
  const srt = await (await page.request.get(`/api/clips/${clipId}/captions?format=srt`)).text();
  const vtt = await (await page.request.get(`/api/clips/${clipId}/captions?format=vtt`)).text();
  expect(srt).toContain(`\n${edited}\n`);
  expect(vtt.startsWith("WEBVTT")).toBe(true);
  expect(vtt).toContain(`\n${edited}\n`);

  // --- Export for YouTube Shorts with a blurred background: 1080x1920, captions = the edited text. ---
  const exp = page.getByRole("region", { name: "Export", exact: true });
  await exp.getByLabel("Platform").selectOption("youtube_shorts");
  await exp.getByText("Fit, blurred background").click();
  // Caption style "Top": the preview draws the captions in that style over the 9:16 frame, the spoken word lit.
  await exp.getByText("Top", { exact: true }).click();
  const preview = exp.getByTestId("caption-preview");
  const cues = (await (await page.request.get(`/api/clips/${clipId}/captions`)).json()).cues as { start: number }[];
  await preview.locator("video").evaluate(
    (v: HTMLVideoElement, t) =>
      new Promise<void>((done) => {
        const seek = () => {
          v.addEventListener("seeked", () => done(), { once: true });
          v.currentTime = t;
        };
        if (v.readyState >= 1) seek();
        else v.addEventListener("loadedmetadata", seek, { once: true });
      }),
    cues[0].start + 0.05,
  );
  const overlay = preview.getByTestId("caption-overlay");
  await expect(overlay).toBeVisible();
  await expect(overlay.locator("[data-lit]")).toHaveCount(1);
  await expect(overlay.locator("[data-lit]")).toHaveCSS("color", "rgb(255, 61, 127)");
  expect(await overlay.evaluate((el) => getComputedStyle(el).fontFamily)).toContain(
    "clipstream-caption-bebas_neue_bold",
  );
  await expect
    .poll(() => page.evaluate(() => document.fonts.check('700 20px "clipstream-caption-bebas_neue_bold"')))
    .toBe(true);
  const [frame, text] = await Promise.all([preview.boundingBox(), overlay.boundingBox()]);
  // The top style sits 12 % of the height below the frame's top edge.
  expect(Math.abs(text!.y - frame!.y - frame!.height * 0.12)).toBeLessThan(3);
  await preview.screenshot({ path: `${shots}/studio-preview-top.png` });
  await exp.getByRole("button", { name: "Export", exact: true }).click();
  const row = exp.getByTestId("export").first();
  await expect(row).toHaveAttribute("data-status", "READY", { timeout: 150_000 });
  await expect(row).toContainText("1080×1920");
  await expect(row).toContainText("Top captions");
  const listed = (await (await page.request.get(`/api/exports?clipId=${clipId}`)).json()).exports as {
    captionStyle: string;
  }[];
  expect(listed[0].captionStyle).toBe("top");
  const exported = await probe(
    page,
    (await row.getByRole("link", { name: "Download" }).getAttribute("href"))!,
    "studio-shorts.mp4",
  );
  expect([exported.width, exported.height]).toEqual([1080, 1920]);
  expect(Math.abs(exported.duration - (end - start))).toBeLessThanOrEqual(0.15);
  const exportedSrt = await (
    await page.request.get((await row.getByRole("link", { name: ".srt" }).getAttribute("href"))!)
  ).text();
  expect(exportedSrt).toBe(srt);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${shots}/studio-clip-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.getByRole("region", { name: "Trim" }).getByRole("button", { name: "Trim clip" }).click();
  await expect(page.getByRole("region", { name: "Trim" }).getByTestId("trim-preview")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("region", { name: "Export", exact: true }).getByTestId("export").first()).toHaveAttribute(
    "data-status",
    "READY",
  );
  await page.screenshot({ path: `${shots}/studio-clip-phone.png`, fullPage: true });

  // --- Session view: timeline, a manual clip from a chosen range, batch export to one zip. ---
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole("link", { name: "Session timeline" }).click();
  await expect(page).toHaveURL(/\/sessions\//);
  const timeline = page.getByRole("region", { name: "Timeline" });
  await expect(timeline.getByTestId("session-segment").first()).toBeVisible();
  const clipsBefore = await page.getByTestId("session-clip").count();
  await timeline.getByLabel("Start (s)").fill("2");
  await timeline.getByLabel("End (s)").fill("8.5");
  await timeline.getByLabel("Title (optional)").fill("Manual cut");
  await timeline.getByRole("button", { name: "Clip 6.5 s" }).click();
  await expect(page.getByTestId("session-clip")).toHaveCount(clipsBefore + 1);
  const manual = page.getByTestId("session-clip").filter({ hasText: "Manual cut" });
  await expect(manual.locator("img")).toBeVisible({ timeout: 90_000 });
  await manual.getByRole("checkbox").check();
  await page.getByTestId("session-clip").filter({ hasNotText: "Manual cut" }).first().getByRole("checkbox").check();
  const batch = page.getByRole("region", { name: "Export selected clips" });
  await batch.getByLabel("Platform").selectOption("tiktok");
  await batch.getByText("Center crop").click();
  await batch.getByRole("button", { name: "Export 2 clips" }).click();
  await expect(batch.locator('[data-testid="export"][data-status="READY"]')).toHaveCount(2, { timeout: 180_000 });
  const zipHref = await batch.getByRole("link", { name: "Download 2 exports as .zip" }).getAttribute("href");
  const zip = await page.request.get(zipHref!);
  expect([zip.status(), zip.headers()["content-type"]]).toEqual([200, "application/zip"]);
  const { unzipSync } = await import("fflate");
  const names = Object.keys(unzipSync(new Uint8Array(await zip.body()))).sort();
  expect(names.filter((n) => n.endsWith(".mp4"))).toHaveLength(2);
  expect(names.some((n) => n.includes("Manual-cut-tiktok.mp4"))).toBe(true);
  await page.screenshot({ path: `${shots}/studio-session-desktop.png`, fullPage: true });

  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    storageState: await page.context().storageState(),
  });
  const p2 = await phone.newPage();
  await p2.goto(page.url());
  await expect(p2.getByTestId("session-clip").first()).toBeVisible();
  await p2.screenshot({ path: `${shots}/studio-session-phone.png`, fullPage: true });
  await phone.close();
});
