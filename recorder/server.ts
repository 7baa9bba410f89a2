import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { ZActiveSessions, ZStartRecording } from "@/lib/recorder/protocol";
import { SIGNATURE_HEADER, signBody, verifySignature } from "@/lib/signing";
import type { BlobStore } from "@/lib/storage";
import { createOutbox } from "./outbox";
import { Recording } from "./recording";

export type TRecorderOptions = {
  port?: number;
  host?: string;
  appUrl: string;
  secret: string;
  spoolDir: string;
  store: BlobStore;
  ffmpegPath?: string;
  reconnectGraceSeconds?: number;
  log?: (m: string) => void;
};

const MAX_BODY = 16 * 1024;

/**
 * The recorder service: a signed control API (start/stop/list recordings), one `Recording` per live
 * session, and a durable outbox for webhooks to the app. On start it resumes every session the app says
 * should be recording, after announcing what a previous process left on disk.
 */
export async function startRecorder(opts: TRecorderOptions) {
  const log = opts.log ?? ((m: string) => console.log(`[recorder] ${m}`));
  fs.mkdirSync(path.join(opts.spoolDir, "sessions"), { recursive: true });
  const outbox = createOutbox({ dir: path.join(opts.spoolDir, "outbox"), url: new URL("/api/webhooks/recorder", opts.appUrl).toString(), secret: opts.secret, log });
  const recordings = new Map<string, Recording>();
  const deps = {
    spoolDir: opts.spoolDir,
    store: opts.store,
    outbox,
    ffmpegPath: opts.ffmpegPath ?? "ffmpeg",
    reconnectGraceSeconds: opts.reconnectGraceSeconds ?? 60,
    log,
  };

  function begin(req: ReturnType<typeof ZStartRecording.parse>): boolean {
    const existing = recordings.get(req.sessionId);
    if (existing && existing.status !== "ended") return false;
    const rec = new Recording(req, deps);
    recordings.set(req.sessionId, rec);
    void rec.whenDone().then(() => recordings.get(req.sessionId) === rec && recordings.delete(req.sessionId));
    rec.start();
    log(`[${req.sessionId}] recording ${req.source.url} in ${req.segmentSeconds}s segments`);
    return true;
  }

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const fail = (res: http.ServerResponse, status: number, code: string, message: string) => json(res, status, { error: { code, message } });

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://recorder");
    if (req.method === "GET" && url.pathname === "/health") return json(res, 200, { ok: true, recordings: recordings.size, outbox: outbox.size() });
    let body = "";
    for await (const chunk of req) {
      body += chunk;
      if (body.length > MAX_BODY) return fail(res, 413, "payload_too_large", "Request body is too large.");
    }
    const check = verifySignature(opts.secret, body, req.headers[SIGNATURE_HEADER] as string | undefined);
    if (!check.ok) return fail(res, 401, "unauthorized", `Invalid signature (${check.reason}).`);

    if (req.method === "POST" && url.pathname === "/sessions") {
      let data: unknown;
      try {
        data = JSON.parse(body);
      } catch {
        return fail(res, 400, "bad_request", "Request body is not valid JSON.");
      }
      const parsed = ZStartRecording.safeParse(data);
      if (!parsed.success) return fail(res, 422, "invalid_input", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      const started = begin(parsed.data);
      return json(res, started ? 201 : 200, { ok: true, started });
    }
    const m = /^\/sessions\/([\w-]+)$/.exec(url.pathname);
    if (req.method === "DELETE" && m) {
      const rec = recordings.get(m[1]);
      if (!rec) return fail(res, 404, "not_found", "No such recording.");
      await rec.stop();
      return json(res, 200, { ok: true, segments: rec.segments });
    }
    if (req.method === "GET" && url.pathname === "/sessions") {
      return json(res, 200, { sessions: [...recordings.values()].map((r) => ({ sessionId: r.id, status: r.status, segments: r.segments })) });
    }
    return fail(res, 404, "not_found", "Not found.");
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 3100, opts.host ?? "127.0.0.1", () => r()));
  const address = server.address() as AddressInfo;

  // Resume: the app's list of sessions that should be recording (retried until the app answers).
  let stopping = false;
  const resumed = (async () => {
    for (let delay = 500; !stopping; delay = Math.min(delay * 2, 10_000)) {
      try {
        const res = await fetch(new URL("/api/recorder/sessions", opts.appUrl), {
          headers: { [SIGNATURE_HEADER]: signBody(opts.secret, "") },
          signal: AbortSignal.timeout(10_000),
        });
        if (res.ok) {
          const { sessions } = ZActiveSessions.parse(await res.json());
          for (const s of sessions) begin(s);
          // Sessions on disk that the app no longer considers active: announce leftovers and end them.
          for (const id of fs.readdirSync(path.join(opts.spoolDir, "sessions"))) {
            if (!recordings.has(id)) fs.rmSync(path.join(opts.spoolDir, "sessions", id), { recursive: true, force: true });
          }
          if (sessions.length) log(`resumed ${sessions.length} session(s)`);
          return;
        }
        log(`app answered ${res.status} for active sessions; retrying`);
      } catch {
        // app not up yet
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  })();

  return {
    url: `http://${address.address}:${address.port}`,
    resumed,
    recordings,
    /** Shutdown without ending sessions: they resume when a recorder starts again. */
    async stop() {
      stopping = true;
      await Promise.all([...recordings.values()].map((r) => r.detach()));
      await new Promise<void>((r) => server.close(() => r()));
      await outbox.stop();
    },
  };
}
