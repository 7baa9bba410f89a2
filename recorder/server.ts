import crypto from "node:crypto";
import fs from "node:fs";
import { redact } from "@/lib/redact";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import {
  ZActiveSessions,
  ZHeartbeatAnswer,
  ZStartRecording,
  type TRecorderHeartbeat,
  type TStartRecording,
} from "@/lib/recorder/protocol";
import { SIGNATURE_HEADER, signRequest, verifyRequest } from "@/lib/signing";
import type { BlobStore } from "@/lib/storage";
import { startGuardProxy } from "@/lib/net/guard-proxy";
import { NonceStore } from "./nonce-store";
import type { TFrameSourceFactory, TLivekitRoom } from "./frame-source";
import type { TOpenActivityFeed } from "./pump-activity";
import { livekitFrameSources } from "./livekit-frame-source";
import { appTokenRenewer, livekitRoomFrameSources } from "./livekit-room-frame-source";
import { createOutbox } from "./outbox";
import { Recording, type TRecordingDeps } from "./recording";
import { sleep } from "./sleep";
import { readSpoolState } from "./spool-state";

export type TRecorderOptions = {
  /** 0 = an ephemeral port. Default 3100. */
  port?: number;
  host?: string;
  appUrl: string;
  secret: string;
  /** Spool: segments being written, per-session state, webhook outbox. Must survive restarts. */
  spoolDir: string;
  store: BlobStore;
  ffmpegPath?: string;
  ffprobePath?: string;
  reconnectGraceSeconds?: number;
  /** LIVE_PARTS_GRACE_SECONDS: live parts outlive their stored segment (and the session end) this long. Default 60. */
  livePartsGraceSeconds?: number;
  /** How long live parts stay after a recording ends. Default: livePartsGraceSeconds. */
  livePartsEndGraceSeconds?: number;
  /** Opens pump.fun rooms; default: LiveKit through @livekit/rtc-node (recorder/livekit-frame-source.ts). */
  frameSources?: TFrameSourceFactory;
  /** Reads pump.fun coins' trades and chat while they record (recorder/pump-activity.ts); absent: not read. */
  openActivityFeed?: TOpenActivityFeed;
  /**
   * Opens rooms on the operator's LiveKit server (`livekit` sources); default: the same @livekit/rtc-node join,
   * tokens renewed through the app (recorder/livekit-room-frame-source.ts).
   */
  livekitRooms?: TFrameSourceFactory<TLivekitRoom>;
  log?: (m: string) => void;
  /** ALLOW_PRIVATE_SOURCES: without it, sources and everything they point to must be public (SSRF guard). */
  allowPrivateSources?: boolean;
  /** Tests: which resolved addresses / hosts count as private (default: lib/net's rules). */
  isPrivateAddress?: (ip: string) => boolean;
  isPrivateHost?: (host: string) => Promise<boolean>;
  /**
   * Recorder fleet (decision 025): register with the app and heartbeat (POST /api/recorder/heartbeat), take
   * sessions through leases, and resume what the heartbeat answers hands over. Without it, the recorder resumes
   * every session the app lists as active (GET /api/recorder/sessions): a single recorder run by hand.
   */
  fleet?: {
    /** Stable id; default: one generated once and kept in the spool (`recorder-id`). */
    recorderId?: string;
    /** Where the app reaches this recorder; default: the address it listens on. */
    publicUrl?: string;
    /** Sessions it takes at once (the app assigns by load / capacity). Default 20. */
    capacity?: number;
  };
};

export type TRecorder = {
  url: string;
  /** The fleet id (null without the fleet). */
  recorderId: string | null;
  /** Settles once the app's active-session list (or first heartbeat answer) has been fetched and those sessions resumed. */
  resumed: Promise<void>;
  recordings: Map<string, Recording>;
  /** Shutdown without ending sessions (ffmpeg killed, nothing more announced): they resume on the next start. */
  stop(): Promise<void>;
};

const MAX_BODY = 16 * 1024;
/** Session ids name spool directories and storage keys. */
const SESSION_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
/** What the app's source parser accepts; anything else (concat:, data:, subfile:…) never reaches ffmpeg. */
const SOURCE_RE = /^(https?|rtmps?):\/\/|^file:\/\/\/|^\//;
/** Room sources are validated by the protocol schema (a mint id, a ws(s) URL + room); URL sources must match SOURCE_RE. */
const sourceAllowed = (req: TStartRecording) => req.source.kind !== "url" || SOURCE_RE.test(req.source.url);

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The recorder service: a signed control API (start/stop/list recordings), one `Recording` per live
 * session, and a durable outbox for webhooks to the app. On start it (a) delivers what the outbox holds,
 * (b) announces segments a previous process left in the spool, (c) resumes the sessions the app lists as
 * active, continuing their numbering.
 */
export async function startRecorder(opts: TRecorderOptions): Promise<TRecorder> {
  // Source URLs (stream keys) and secrets can appear in ffmpeg and network errors: redacted before any log.
  const sink = opts.log ?? ((m: string) => console.log(`[recorder] ${m}`));
  const log = (m: string) => sink(redact(m));
  const sessionsDir = path.join(opts.spoolDir, "sessions");
  fs.mkdirSync(sessionsDir, { recursive: true });
  const recordings = new Map<string, Recording>();
  // (a) The outbox starts delivering whatever a previous process left in it right away.
  const outbox = createOutbox({
    dir: path.join(opts.spoolDir, "outbox"),
    url: new URL("/api/webhooks/recorder", opts.appUrl).toString(),
    secret: opts.secret,
    log,
    onStaleLease: (sessionId, epoch) => {
      const rec = recordings.get(sessionId);
      if (rec && rec.epoch <= epoch) void rec.abandon();
    },
    onSpoolFull: (sessionId, err) => recordings.get(sessionId)?.spoolIsFull(err),
  });
  const proxy = opts.allowPrivateSources ? null : await startGuardProxy({ isPrivate: opts.isPrivateAddress, log });
  const deps: TRecordingDeps = {
    spoolDir: opts.spoolDir,
    store: opts.store,
    outbox,
    ffmpegPath: opts.ffmpegPath ?? "ffmpeg",
    ffprobePath: opts.ffprobePath ?? "ffprobe",
    reconnectGraceSeconds: opts.reconnectGraceSeconds ?? 60,
    livePartsGraceSeconds: opts.livePartsGraceSeconds ?? 60,
    livePartsEndGraceSeconds: opts.livePartsEndGraceSeconds,
    openActivityFeed: opts.openActivityFeed,
    frameSources: {
      pumpfun: opts.frameSources ?? livekitFrameSources(),
      livekit: opts.livekitRooms ?? livekitRoomFrameSources(appTokenRenewer(opts.appUrl, opts.secret)),
    },
    log,
    ...(proxy ? { guard: { proxyUrl: proxy.url, isPrivateHost: opts.isPrivateHost } } : {}),
  };
  const nonces = new NonceStore(path.join(opts.spoolDir, "control-nonces"));
  const track = (rec: Recording) => {
    recordings.set(rec.id, rec);
    void rec.whenDone().then(() => recordings.get(rec.id) === rec && recordings.delete(rec.id));
  };

  // (b) Sessions of a previous process: their leftovers are announced; they wait (idle) for the app's list.
  for (const id of fs.readdirSync(sessionsDir)) {
    const state = readSpoolState(path.join(sessionsDir, id));
    if (!state) {
      fs.rmSync(path.join(sessionsDir, id), { recursive: true, force: true });
      continue;
    }
    const rec = new Recording(state.req, deps);
    void rec.recoverLeftovers();
    track(rec);
  }

  /** Idempotent per session id: false when it is already being recorded. */
  function begin(req: TStartRecording): boolean {
    const existing = recordings.get(req.sessionId);
    // A newer lease on a session it records (re-assigned to it): its announcements carry the new epoch.
    if (existing && req.lease) existing.adoptLease(req.lease);
    if (existing && existing.status !== "idle") return false;
    const rec = existing ?? new Recording(req, deps);
    rec.refreshSource(req.source);
    track(rec);
    rec.start();
    log(
      `[${req.sessionId}] recording in ${req.segmentSeconds}s segments (from #${rec.info.nextNumber}, lease epoch ${rec.epoch})`,
    );
    return true;
  }

  async function handle(req: http.IncomingMessage): Promise<{ status: number; body: unknown }> {
    const url = new URL(req.url ?? "/", "http://recorder");
    if (req.method === "GET" && url.pathname === "/health") {
      return {
        status: 200,
        body: { ok: true, ...(recorderId ? { recorderId } : {}), recordings: recordings.size, outbox: outbox.size() },
      };
    }
    const body = await readBody(req);
    // Signed over method, path, body, time and a nonce; each signature is accepted once (lib/signing.ts).
    const check = verifyRequest(
      opts.secret,
      { method: req.method ?? "", path: req.url ?? "/", body },
      req.headers[SIGNATURE_HEADER] as string | undefined,
    );
    if (!check.ok) throw new HttpError(401, "unauthorized", `Invalid signature (${check.reason}).`);
    if (!nonces.claim(check.nonce, check.timestamp))
      throw new HttpError(401, "unauthorized", "Invalid signature (replayed).");

    if (req.method === "POST" && url.pathname === "/sessions") {
      let data: unknown;
      try {
        data = JSON.parse(body);
      } catch {
        throw new HttpError(400, "bad_request", "Request body is not valid JSON.");
      }
      const parsed = ZStartRecording.safeParse(data);
      if (!parsed.success) {
        throw new HttpError(
          422,
          "invalid_input",
          parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
        );
      }
      if (!SESSION_ID_RE.test(parsed.data.sessionId))
        throw new HttpError(422, "invalid_input", "sessionId: letters, digits, _ and - only.");
      if (!sourceAllowed(parsed.data))
        throw new HttpError(422, "invalid_input", "source.url: use http(s), rtmp(s) or a file.");
      const started = begin(parsed.data);
      return {
        status: started ? 201 : 200,
        body: { ok: true, started, session: recordings.get(parsed.data.sessionId)?.info },
      };
    }
    const m = /^\/sessions\/([^/]+)$/.exec(url.pathname);
    if (req.method === "DELETE" && m) {
      const rec = recordings.get(decodeURIComponent(m[1]));
      if (!rec || rec.status === "ended") throw new HttpError(404, "not_found", "No such recording.");
      // Accepted, not awaited: storing a long final segment can outlast the caller's timeout. session.ended
      // tells the app when it is done.
      rec.stop();
      return { status: 202, body: { ok: true, session: rec.info } };
    }
    // Dead letters: webhook messages the app kept refusing, with why; re-driven once the app is fixed.
    if (req.method === "GET" && url.pathname === "/outbox/dead") {
      return { status: 200, body: { deadLetters: outbox.deadLetters() } };
    }
    if (req.method === "POST" && url.pathname === "/outbox/redrive") {
      let files: string[] | undefined;
      try {
        const data = body ? (JSON.parse(body) as { files?: unknown }) : {};
        if (data.files !== undefined) {
          if (!Array.isArray(data.files) || !data.files.every((f) => typeof f === "string")) throw new Error();
          files = data.files as string[];
        }
      } catch {
        throw new HttpError(
          422,
          "invalid_input",
          "Send { files?: string[] }: the dead letters to re-drive (all when absent).",
        );
      }
      return { status: 200, body: { redriven: outbox.redrive(files) } };
    }
    if (req.method === "GET" && url.pathname === "/sessions") {
      return { status: 200, body: { sessions: [...recordings.values()].map((r) => r.info) } };
    }
    throw new HttpError(404, "not_found", "Not found.");
  }

  const server = http.createServer((req, res) => {
    handle(req)
      .then(({ status, body }) => send(res, status, body))
      .catch((err: unknown) => {
        if (err instanceof HttpError) return send(res, err.status, { error: { code: err.code, message: err.message } });
        log(`unhandled error: ${(err as Error).stack ?? err}`);
        send(res, 500, { error: { code: "internal", message: "Something went wrong on our side." } });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 3100, opts.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;

  const url = `http://${address.address}:${address.port}`;
  const stopping = new AbortController();
  const recorderId = opts.fleet ? (opts.fleet.recorderId ?? spooledRecorderId(opts.spoolDir)) : null;
  // (c) Resume what the app says should be recording: in a fleet, what the heartbeat answers hand over;
  // otherwise every active session of the app's list, retried until the app answers.
  const resumed = opts.fleet
    ? heartbeats({
        appUrl: opts.appUrl,
        secret: opts.secret,
        recorderId: recorderId!,
        url: opts.fleet.publicUrl ?? url,
        capacity: opts.fleet.capacity ?? 20,
        recordings,
        begin,
        signal: stopping.signal,
        log,
      })
    : resumeFromList();
  async function resumeFromList() {
    for (let delay = 500; !stopping.signal.aborted; delay = Math.min(delay * 2, 10_000)) {
      try {
        const res = await fetch(new URL("/api/recorder/sessions", opts.appUrl), {
          headers: { [SIGNATURE_HEADER]: signRequest(opts.secret, "GET", "/api/recorder/sessions", "") },
          signal: AbortSignal.any([AbortSignal.timeout(10_000), stopping.signal]),
        });
        if (res.ok) {
          const { sessions } = ZActiveSessions.parse(await res.json());
          const active = new Set(sessions.map((s) => s.sessionId));
          for (const s of sessions) if (SESSION_ID_RE.test(s.sessionId) && sourceAllowed(s)) begin(s);
          // Spooled sessions the app considers over: once their leftovers are announced, nothing is left to do.
          for (const rec of recordings.values()) if (rec.status === "idle" && !active.has(rec.id)) await rec.discard();
          if (sessions.length) log(`resumed ${sessions.length} session(s) the app lists as active`);
          return;
        }
        log(`app answered ${res.status} for the active-session list; retrying`);
      } catch (err) {
        if (!stopping.signal.aborted) log(`active-session list unavailable (${(err as Error).message}); retrying`);
      }
      await sleep(delay, stopping.signal);
    }
  }

  return {
    url,
    recorderId,
    resumed,
    recordings,
    async stop() {
      stopping.abort();
      await resumed.catch(() => undefined);
      await Promise.all([...recordings.values()].map((r) => r.detach()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await outbox.stop();
      await proxy?.close();
    },
  };
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  if (Number(req.headers["content-length"] ?? 0) > MAX_BODY)
    throw new HttpError(413, "payload_too_large", "Request body is too large.");
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > MAX_BODY) throw new HttpError(413, "payload_too_large", "Request body is too large.");
  }
  return body;
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** The recorder's fleet id, made once and kept in its spool (a recorder with a new spool is a new recorder). */
function spooledRecorderId(spoolDir: string): string {
  const file = path.join(spoolDir, "recorder-id");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const id = `rec-${crypto.randomBytes(6).toString("hex")}`;
  fs.writeFileSync(file, id);
  return id;
}

/**
 * The fleet loop: a signed heartbeat every few seconds (the app says how often: a third of the lease TTL)
 * reporting the sessions it records with their lease epochs. The answer names sessions another recorder holds
 * now (abandoned at once) and sessions leased to this one it does not record (started, continuing their
 * numbering). Resolves after the first answer, once spooled sessions the app did not hand back are discarded;
 * the loop goes on until `signal` aborts.
 */
function heartbeats(o: {
  appUrl: string;
  secret: string;
  recorderId: string;
  url: string;
  capacity: number;
  recordings: Map<string, Recording>;
  begin: (req: TStartRecording) => boolean;
  signal: AbortSignal;
  log: (m: string) => void;
}): Promise<void> {
  let first = true;
  let failing = false;
  let resolveFirst!: () => void;
  const firstAnswer = new Promise<void>((r) => (resolveFirst = r));
  const path = "/api/recorder/heartbeat";
  async function beat(): Promise<number> {
    const sessions = [...o.recordings.values()]
      .filter((r) => r.status !== "idle" && r.status !== "ended")
      .map((r) => ({ sessionId: r.id, epoch: r.epoch }));
    const hb: TRecorderHeartbeat = { recorderId: o.recorderId, url: o.url, capacity: o.capacity, sessions };
    const body = JSON.stringify(hb);
    const res = await fetch(new URL(path, o.appUrl), {
      method: "POST",
      headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signRequest(o.secret, "POST", path, body) },
      body,
      signal: AbortSignal.any([AbortSignal.timeout(10_000), o.signal]),
    });
    if (!res.ok) throw new Error(`app answered ${res.status}`);
    const answer = ZHeartbeatAnswer.parse(await res.json());
    for (const id of answer.stale) void o.recordings.get(id)?.abandon();
    const handed = new Set<string>();
    for (const s of answer.assign) {
      if (!SESSION_ID_RE.test(s.sessionId) || !sourceAllowed(s)) continue;
      handed.add(s.sessionId);
      o.begin(s);
    }
    if (first) {
      first = false;
      // Spooled sessions the app did not hand back: once their leftovers are announced, nothing is left to do.
      for (const rec of o.recordings.values()) if (rec.status === "idle" && !handed.has(rec.id)) await rec.discard();
      if (handed.size) o.log(`resumed ${handed.size} session(s) leased to ${o.recorderId}`);
      resolveFirst();
    }
    return answer.heartbeatSeconds * 1000;
  }
  void (async () => {
    let every = 10_000;
    while (!o.signal.aborted) {
      try {
        every = await beat();
        if (failing) o.log("heartbeat answered again");
        failing = false;
      } catch (err) {
        if (o.signal.aborted) break;
        if (!failing) o.log(`heartbeat failed (${(err as Error).message}); retrying`);
        failing = true;
      }
      await sleep(failing ? Math.min(every, 2000) : every, o.signal);
    }
    resolveFirst();
  })();
  return firstAnswer;
}
