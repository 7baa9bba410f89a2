import fs from "node:fs";
import path from "node:path";
import type pg from "pg";
import { postRecorderWebhook } from "@/test/support";
import { startChild, stopChild, waitForHttp, type TChild } from "@/scripts/lib/processes";
import { progress } from "./stats";

/** Where the Inngest functions run: inside the web processes (their /api/inngest) or the functions server. */
export type TFunctionsMode = "web" | "separate";

/**
 * The embedded runner (lib/jobs/server.ts) and, for "separate", the functions server
 * (lib/jobs/functions-server.ts) as child processes beside an already running web app, with the runner
 * calling the functions where `mode` says. Resolves once the app's functions are registered at that URL.
 */
export async function startJobProcesses(o: {
  mode: TFunctionsMode;
  appUrl: string;
  env: NodeJS.ProcessEnv;
  runnerPort: number;
  functionsPort: number;
  client: pg.Client;
}): Promise<{ stop(): Promise<void> }> {
  const children: TChild[] = [];
  const quiet = !process.env.BENCH_VERBOSE;
  let serveUrl = `${o.appUrl}/api/inngest`;
  if (o.mode === "separate") {
    const url = `http://127.0.0.1:${o.functionsPort}`;
    children.push(
      startChild(
        "functions",
        "node_modules/.bin/tsx",
        ["--conditions=react-server", "lib/jobs/functions-server.ts"],
        { ...o.env, FUNCTIONS_PORT: String(o.functionsPort) },
        { quiet },
      ),
    );
    await waitForHttp(`${url}/health`, 120_000, "functions server");
    serveUrl = `${url}/api/inngest`;
  }
  children.push(
    startChild(
      "runner",
      "node_modules/.bin/tsx",
      ["lib/jobs/server.ts"],
      { ...o.env, INNGEST_RUNNER_PORT: String(o.runnerPort), INNGEST_SERVE_URL: serveUrl },
      { quiet },
    ),
  );
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { rows } = await o.client.query(`select url from job_app where id = 'clipstream'`);
    if (rows[0]?.url === serveUrl) break;
    if (Date.now() > deadline) throw new Error(`the functions did not register at ${serveUrl}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { stop: async () => void (await Promise.all(children.reverse().map((c) => stopChild(c, 30_000)))) };
}

/**
 * Keeps `target` segments processing at once: each is a 60 s recording stored as a fresh ended session's only
 * segment and announced through the web app's signed recorder webhook (the recorder's own request), so the
 * real pipeline (ffmpeg, pocketsphinx, detection, renders) runs it; when one is DONE another starts.
 * `inFlight()` counts the segments not yet DONE or ERROR; `stop()` starts no more and waits for the rest.
 */
export async function keepSegmentsProcessing(o: {
  client: pg.Client;
  appUrl: string;
  userId: string;
  storageDir: string;
  file: string;
  target: number;
}) {
  let stopped = false;
  let started = 0;
  const open = new Set<string>();
  const failed: string[] = [];
  const startOne = async () => {
    const id = `bp${Date.now().toString(36)}${started++}`;
    await o.client.query(
      `insert into "Streamer" (id, "userId", name, kind, source, monitored, "segmentSeconds", "minClipSeconds", "maxClipSeconds", "updatedAt")
       values ($1, $2, $3, 'URL', $4, false, 60, 8, 30, now())`,
      [id, o.userId, `processing ${id}`, `file://${o.file}`],
    );
    await o.client.query(
      `insert into "LiveSession" (id, "userId", "streamerId", status, "segmentSeconds", "endedAt") values ($1, $2, $1, 'ENDED', 60, now())`,
      [id, o.userId],
    );
    const key = `sessions/${id}/segments/0.ts`;
    fs.mkdirSync(path.dirname(path.join(o.storageDir, key)), { recursive: true });
    fs.copyFileSync(o.file, path.join(o.storageDir, key));
    const res = await postRecorderWebhook(o.appUrl, {
      type: "segment.recorded",
      sessionId: id,
      number: 0,
      startOffset: 0,
      duration: 60,
      storageKey: key,
      sizeBytes: fs.statSync(o.file).size,
      final: true,
    });
    if (!res.ok) throw new Error(`the recorder webhook answered ${res.status}: ${await res.text()}`);
    open.add(id);
  };
  const refresh = async () => {
    if (!open.size) return;
    const { rows } = await o.client.query(
      `select "sessionId", status, error from "Segment" where "sessionId" = any($1)`,
      [[...open]],
    );
    for (const r of rows) {
      if (r.status === "DONE") open.delete(r.sessionId);
      if (r.status === "ERROR") {
        open.delete(r.sessionId);
        failed.push(`${r.sessionId}: ${r.error}`);
      }
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await refresh();
      while (!stopped && open.size < o.target) await startOne();
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  // Segments count as processing once the pipeline has picked every one of the first `target` up.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { rows } = await o.client.query(
      `select count(*)::int as n from "Segment" where "userId" = $1 and status = 'PROCESSING'`,
      [o.userId],
    );
    if (rows[0].n >= o.target) break;
    if (Date.now() > deadline) throw new Error(`${o.target} segments never processed at once`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    inFlight: () => open.size,
    started: () => started,
    failed,
    async stop() {
      stopped = true;
      await loop;
      const end = Date.now() + 240_000;
      while (open.size && Date.now() < end) {
        await refresh();
        await new Promise((r) => setTimeout(r, 1000));
      }
      if (open.size) {
        // Not left for the next row's runner: their runs end here.
        progress(`${open.size} segments still processing after 4 min: their runs are ended`);
        await o.client.query(`update job_run set status = 'FAILED' where status in ('QUEUED', 'RUNNING', 'SLEEPING')`);
      }
    },
  };
}
