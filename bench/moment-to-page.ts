import path from "node:path";
import { startDemoBroadcaster } from "@/scripts/lib/demo-broadcaster";
import { stopChild, waitForHttp } from "@/scripts/lib/processes";
import { launchChromium, startProdStack } from "./lib/prod-stack";
import { BENCH_DIR, sample } from "./lib/stack";
import { emit, machine, progress, round, summarize } from "./lib/stats";
import type { TBenchOptions } from "./run";

/** Length of the looped broadcast and where its excited passage is (seconds). */
const LOOP_SECONDS = 45;
const EXCITED_AT = 20;

/**
 * Moment → clip shown on an open page, the whole product at once: a live HLS broadcast (the demo broadcaster:
 * ffmpeg -re looping a generated recording whose excited passage comes once per loop) is added as a streamer,
 * with the default 900-s segments, by a user whose dashboard is open in Chromium. Per loop, the figure is from
 * the moment the passage ends in the broadcast (broadcaster start + loop × length + passage end; ffmpeg's own
 * start-up and the HLS segment it waits to fill count against us) until a READY clip card for it is on the
 * page (a MutationObserver, on the machine's one clock). The production stack (scripts/stack.ts --prod, as
 * push-latency). A card counts when its clip's reason says loud (the passage; calm stretches can give other
 * clips) and is matched to the latest passage that ended before it showed.
 */
export async function run(opts: TBenchOptions) {
  const runs = opts.runs ?? 5;
  const dataDir = path.join(BENCH_DIR, "moment-to-page");
  const port = Number(process.env.BENCH_PAGE_PORT ?? 3720);
  const s = await sample(LOOP_SECONDS, EXCITED_AT);
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  const stack = await startProdStack({ dataDir, port, db: "clipstream_bench_page", env });
  const browser = await launchChromium();
  let broadcaster: Awaited<ReturnType<typeof startDemoBroadcaster>> | null = null;
  try {
    const { appUrl } = await stack.ready();
    const start = machine();
    const context = await browser.newContext({ baseURL: appUrl });
    const page = await context.newPage();
    const email = `bench-page-${Date.now()}@example.com`;
    const signUp = await page.request.post("/api/auth/sign-up/email", {
      headers: { origin: appUrl },
      data: { email, password: "bench-page-pass-1", name: "bench" },
    });
    if (signUp.status() !== 200) throw new Error(`sign-up: ${signUp.status()}`);
    await page.goto("/dashboard");
    await page.locator('html[data-push="on"]').waitFor({ timeout: 30_000 });
    await watchCards(page);

    broadcaster = await startDemoBroadcaster({ sample: s.file, dir: path.join(dataDir, "live"), port: port + 10, env });
    const broadcastStart = Date.now();
    await waitForHttp(broadcaster.url, 30_000, "the broadcast");
    const created = await page.request.post("/api/streamers", { data: { source: broadcaster.url, name: "Bench" } });
    if (created.status() !== 201) throw new Error(`add streamer: ${created.status()} ${await created.text()}`);
    const moments = (until: number) =>
      Array.from({ length: Math.ceil((until - broadcastStart) / (LOOP_SECONDS * 1000)) + 1 }, (_, k) => {
        return broadcastStart + (k * LOOP_SECONDS + s.excitedEnd) * 1000;
      }).filter((m) => m <= until);

    const latencies: number[] = [];
    const seen = new Set<string>();
    const stop = Date.now() + (runs + 2) * LOOP_SECONDS * 1000;
    while (latencies.length < runs && Date.now() < stop) {
      const shown = (await page.evaluate("window.__cards")) as { href: string; at: number }[];
      for (const card of shown.filter((c) => !seen.has(c.href))) {
        seen.add(card.href);
        const res = await page.request.get(`/api${card.href}`);
        const { clip } = (await res.json()) as { clip: { reason: string } };
        const before = moments(card.at).at(-1);
        if (!/loud/i.test(clip.reason) || before === undefined) continue;
        latencies.push(card.at - before);
        progress(`moment-to-page: clip shown ${round((card.at - before) / 1000)} s after the passage ended`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (!latencies.length) throw new Error("no clip of the passage was shown");
    const t = summarize(latencies.map((ms) => ms / 1000));
    emit({
      name: "moment-to-page-900s",
      inputs: {
        source: "live HLS (demo broadcaster, 2-s HLS segments)",
        segmentSeconds: 900,
        loopSeconds: LOOP_SECONDS,
        excitedEndS: round(s.excitedEnd),
        page: "/dashboard",
        transcriber: process.env.GROQ_API_KEY ? "groq" : "pocketsphinx",
      },
      runs: latencies.length,
      median: t.median,
      p95: t.p95,
      min: t.min,
      max: t.max,
      unit: "s",
      ...start,
      target: "p95 < 16 s",
      loadavgEnd: machine().loadavg,
    });
    await context.close();
  } finally {
    if (broadcaster) {
      await stopChild(broadcaster.ffmpeg);
      await broadcaster.close();
    }
    await browser.close();
    await stopChild(stack.child, 15_000);
  }
}

/**
 * Records in `window.__cards` each clip card's link and the time (Date.now()) it is first on the page as
 * READY. Passed as source text: tsx compiles functions with a name helper the page does not have.
 */
async function watchCards(page: import("@playwright/test").Page) {
  await page.evaluate(`(() => {
    window.__cards = [];
    const seen = new Set();
    const look = () => {
      for (const el of document.querySelectorAll('a[aria-label^="Clip:"][data-status="READY"]')) {
        const href = el.getAttribute("href");
        if (href && !seen.has(href)) {
          seen.add(href);
          window.__cards.push({ href, at: Date.now() });
        }
      }
    };
    new MutationObserver(look).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["data-status"],
    });
  })()`);
}
