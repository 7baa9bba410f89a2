import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Page } from "@playwright/test";
import pg from "pg";
import { stopChild } from "@/scripts/lib/processes";
import { launchChromium, startProdStack } from "./lib/prod-stack";
import { BENCH_DIR } from "./lib/stack";
import { emit, machine, progress, round, summarize } from "./lib/stats";
import type { TBenchOptions } from "./run";

/**
 * READY → shown on an open page: a clip row turns READY (the pipeline's last write) while its owner's dashboard
 * is open in Chromium; the figure is the time until the card says READY (a MutationObserver in the page, on the
 * machine's one clock). Two rows: with the push channel (SSE fed by LISTEN/NOTIFY), and with /api/events blocked
 * so only the fallback poll (every 2 s) brings it. The real production stack (scripts/stack.ts --prod, so a
 * fresh `next build`); Chromium from CHROMIUM_PATH or /usr/bin/chromium.
 */
export async function run(opts: TBenchOptions) {
  const runs = opts.runs ?? 10;
  const dataDir = path.join(BENCH_DIR, "push");
  const port = Number(process.env.BENCH_PUSH_PORT ?? process.env.E2E_PORT ?? 3700);
  const stack = await startProdStack({ dataDir, port, db: "clipstream_bench_push" });
  const browser = await launchChromium();
  try {
    const { appUrl, databaseUrl } = await stack.ready();
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      for (const push of [true, false]) {
        const start = machine();
        const ms = await measure({ browser, appUrl, db, push, runs });
        const t = summarize(ms, 0);
        emit({
          name: push ? "push-ready-to-shown" : "poll-ready-to-shown",
          inputs: {
            channel: push ? "SSE (LISTEN/NOTIFY)" : "fallback poll, 2 s",
            page: "/dashboard",
            browser: "chromium",
          },
          runs,
          median: t.median,
          p95: t.p95,
          min: t.min,
          max: t.max,
          unit: "ms",
          ...start,
          loadavgAfter: machine().loadavg,
          ...(push ? { target: "< 1000 ms" } : {}),
        });
      }
    } finally {
      await db.end();
    }
  } finally {
    await browser.close();
    await stopChild(stack.child, 15_000);
  }
}

async function measure(o: {
  browser: import("@playwright/test").Browser;
  appUrl: string;
  db: pg.Client;
  push: boolean;
  runs: number;
}): Promise<number[]> {
  const context = await o.browser.newContext({ baseURL: o.appUrl });
  const page = await context.newPage();
  page.on("console", (m) => progress(`page: ${m.text()}`));
  if (!o.push) await page.route("**/api/events", (r) => r.abort());
  const email = `bench-push-${Date.now()}@example.com`;
  const signUp = await page.request.post("/api/auth/sign-up/email", {
    headers: { origin: o.appUrl },
    data: { email, password: "bench-push-pass-1", name: "bench" },
  });
  if (signUp.status() !== 200) throw new Error(`sign-up: ${signUp.status()}`);
  const created = await page.request.post("/api/streamers", {
    data: { source: "http://127.0.0.1:9/live/bench.m3u8", name: "Bench" },
  });
  const { streamer } = (await created.json()) as { streamer: { id: string } };
  const userId = (await o.db.query<{ id: string }>(`SELECT id FROM "user" WHERE email = $1`, [email])).rows[0].id;
  const sessionId = `bench-s-${randomUUID()}`;
  await o.db.query(
    `INSERT INTO "LiveSession" (id, "userId", "streamerId", status, "segmentSeconds") VALUES ($1, $2, $3, 'ENDED', 4)`,
    [sessionId, userId, streamer.id],
  );
  await page.goto("/dashboard");
  if (o.push) await page.locator('html[data-push="on"]').waitFor({ timeout: 30_000 });
  const out: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const clipId = `bench-c-${randomUUID()}`;
    await o.db.query(
      `INSERT INTO "Clip" (id, "userId", "streamerId", "sessionId", "detectionKey", "startTime", "endTime", title,
         reason, score, engine, status, "updatedAt")
       VALUES ($1, $2, $3, $4, $5, 2, 14, $6, 'r', 90, 'bench', 'RENDERING', now())`,
      [clipId, userId, streamer.id, sessionId, clipId, `Bench ${clipId}`],
    );
    const card = page.getByRole("link", { name: `Clip: Bench ${clipId}` });
    await card.waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
      await page.screenshot({ path: path.join(BENCH_DIR, "push", "failed.png") });
      progress(`html data-push=${await page.locator("html").getAttribute("data-push")} url=${page.url()}`);
      throw err;
    });
    await watchReady(page, `Clip: Bench ${clipId}`);
    await new Promise((r) => setTimeout(r, 300 + Math.random() * 1700)); // not in step with the poll
    const t0 = Date.now();
    await o.db.query(`UPDATE "Clip" SET status = 'READY', duration = 12, "updatedAt" = now() WHERE id = $1`, [clipId]);
    const shownAt = (await page.evaluate("window.__readyAt")) as number;
    out.push(shownAt - t0);
    progress(`${o.push ? "push" : "poll"} run ${i + 1}: ${round(shownAt - t0, 0)} ms`);
  }
  await context.close();
  return out;
}

/**
 * Resolves `window.__readyAt` with Date.now() when the card labelled `label` says READY. Passed as source text:
 * tsx compiles functions with esbuild's name helper, which does not exist in the page.
 */
async function watchReady(page: Page, label: string) {
  await page.evaluate(`(() => {
    const label = ${JSON.stringify(label)};
    window.__readyAt = new Promise((resolve) => {
      const obs = new MutationObserver(() => {
        const el = document.querySelector('a[aria-label="' + label + '"]');
        if (el && el.getAttribute("data-status") === "READY") {
          obs.disconnect();
          resolve(Date.now());
        }
      });
      obs.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
    });
  })()`);
}
