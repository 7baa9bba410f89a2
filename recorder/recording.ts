import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { probeMedia } from "@/lib/media/probe-media";
import type { TSegmentRecorded, TSessionEnded, TStartRecording } from "@/lib/recorder/protocol";
import { storageKeys, type BlobStore } from "@/lib/storage";
import type { TOutbox } from "./outbox";

/** Persisted per session (spool/sessions/<id>/state.json), so a restarted recorder continues where it was. */
type TState = {
  req: TStartRecording;
  /** Wall-clock ms when recording of the session began: stream time 0. */
  startedAt: number;
  /** Next segment number to hand out (numbers are never reused). */
  nextNumber: number;
  /** End of the last announced segment, in stream seconds. */
  lastEnd: number;
  runs: number;
};

export type TRecordingDeps = {
  spoolDir: string;
  store: BlobStore;
  outbox: TOutbox;
  ffmpegPath: string;
  reconnectGraceSeconds: number;
  log: (m: string) => void;
};

type TEntry = { file: string; start: number; end: number };

const readState = (file: string): TState | null => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as TState) : null);

/**
 * One live session: ffmpeg pulls the source and cuts segments with stream copy; every finished segment is
 * stored, announced through the outbox, and deleted locally. A network source that drops is retried for the
 * grace period (stream time keeps running, so the gap shows in startOffset); a file source ends at EOF.
 */
export class Recording {
  readonly id: string;
  private dir: string;
  private stateFile: string;
  private state: TState;
  private proc: ChildProcess | null = null;
  private stopRequested = false;
  private chain: Promise<void> = Promise.resolve();
  private done: Promise<void>;
  private resolveDone!: () => void;
  status: "recording" | "reconnecting" | "ended" = "recording";
  segments = 0;

  constructor(
    req: TStartRecording,
    private deps: TRecordingDeps,
  ) {
    this.id = req.sessionId;
    this.dir = path.join(deps.spoolDir, "sessions", req.sessionId);
    this.stateFile = path.join(this.dir, "state.json");
    fs.mkdirSync(this.dir, { recursive: true });
    this.state = readState(this.stateFile) ?? { req, startedAt: Date.now(), nextNumber: 0, lastEnd: 0, runs: 0 };
    this.state.req = req;
    this.save();
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  get isFile(): boolean {
    return this.state.req.source.url.startsWith("file:");
  }

  /** Announces what a previous process left on disk, then records until the source ends or stop(). */
  start(): void {
    void (async () => {
      await this.recoverLeftovers();
      await this.recordLoop();
    })().catch((err) => {
      this.deps.log(`[${this.id}] recording failed: ${(err as Error).message}`);
      this.finish("failed", (err as Error).message);
    });
  }

  /** Graceful stop: ffmpeg closes the current segment, which is announced as final. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    if (this.proc && this.proc.exitCode === null) this.proc.kill("SIGINT");
    await this.done;
  }

  /** Ends the process without announcing anything (recorder shutdown): the session resumes on restart. */
  async detach(): Promise<void> {
    this.stopRequested = true;
    this.detached = true;
    if (this.proc && this.proc.exitCode === null) this.proc.kill("SIGKILL");
    await this.done;
  }
  private detached = false;

  whenDone(): Promise<void> {
    return this.done;
  }

  private save() {
    const tmp = `${this.stateFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.state));
    fs.renameSync(tmp, this.stateFile);
  }

  private inputArgs(): string[] {
    const url = this.state.req.source.url;
    if (url.startsWith("file:")) return ["-re", "-i", new URL(url).pathname];
    const net = ["-rw_timeout", "15000000"];
    if (/^https?:/.test(url)) net.push("-reconnect", "1", "-reconnect_streamed", "1", "-reconnect_delay_max", "5");
    return [...net, "-i", url];
  }

  private async recordLoop(): Promise<void> {
    let lastDataAt = Date.now();
    let backoff = 1000;
    while (!this.stopRequested) {
      const produced = await this.runOnce();
      if (produced) {
        lastDataAt = Date.now();
        backoff = 1000;
      }
      if (this.stopRequested) break;
      if (this.isFile) return this.finish("source_ended");
      if (Date.now() - lastDataAt > this.deps.reconnectGraceSeconds * 1000) return this.finish("source_ended");
      this.status = "reconnecting";
      this.deps.log(`[${this.id}] source dropped; retrying in ${backoff / 1000}s`);
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 10_000);
    }
    if (this.detached) return this.resolveDone();
    this.finish("stopped");
  }

  /** One ffmpeg process. Resolves with whether it produced any segment. */
  private async runOnce(): Promise<boolean> {
    const runDir = path.join(this.dir, `run-${String(this.state.runs).padStart(4, "0")}`);
    this.state.runs++;
    this.save();
    fs.mkdirSync(runDir, { recursive: true });
    const list = path.join(runDir, "list.csv");
    const firstNumber = this.state.nextNumber;
    // Stream time of this run's first frame: contiguous on the first run, wall clock after a drop/restart.
    const runOffset = firstNumber === 0 ? 0 : Math.max(this.state.lastEnd, (Date.now() - this.state.startedAt) / 1000);
    const args = [
      "-hide_banner", "-loglevel", "error", "-nostdin",
      ...this.inputArgs(),
      "-map", "0:v?", "-map", "0:a?", "-c", "copy",
      "-f", "segment", "-segment_time", String(this.state.req.segmentSeconds), "-segment_format", "mpegts",
      "-reset_timestamps", "1", "-segment_list", list, "-segment_list_type", "csv",
      "-segment_start_number", String(firstNumber), path.join(runDir, "%05d.ts"),
    ];
    this.status = "recording";
    const proc = spawn(this.deps.ffmpegPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    this.proc = proc;
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const exited = new Promise<void>((r) => proc.on("close", () => r()));

    let seen = 0;
    let base: number | null = null;
    const drain = (isLastCall: boolean) => {
      const entries = parseList(list);
      const fresh = entries.slice(seen);
      seen = entries.length;
      fresh.forEach((e, i) => {
        base ??= e.start;
        const number = Number(path.basename(e.file, ".ts"));
        const final = isLastCall && i === fresh.length - 1 && (this.stopRequested || this.isFile) && !this.detached;
        const startOffset = runOffset + (e.start - base);
        this.enqueueSegment(number, path.join(runDir, e.file), startOffset, e.end - e.start, final);
      });
    };
    const timer = setInterval(() => drain(false), 250);
    await exited;
    clearInterval(timer);
    this.proc = null;
    if (this.detached) return seen > 0;
    drain(true);
    await this.chain;
    if (stderr.trim() && !this.stopRequested) this.deps.log(`[${this.id}] ffmpeg: ${stderr.trim().split("\n").at(-1)}`);
    fs.rmSync(runDir, { recursive: true, force: true });
    return seen > 0;
  }

  private enqueueSegment(number: number, file: string, startOffset: number, duration: number, final: boolean) {
    this.chain = this.chain
      .then(() => this.announce(number, file, startOffset, duration, final))
      .catch((err) => this.deps.log(`[${this.id}] could not store segment ${number}: ${(err as Error).message}`));
  }

  /** Store → outbox → local delete. Ordered per session by the promise chain. */
  private async announce(number: number, file: string, startOffset: number, duration: number, final: boolean) {
    if (number < this.state.nextNumber) return; // announced before a restart
    const key = storageKeys.segment(this.id, number);
    const { size } = await this.deps.store.put(key, file, { contentType: "video/mp2t" });
    const msg: TSegmentRecorded = {
      type: "segment.recorded",
      sessionId: this.id,
      number,
      startOffset: round(startOffset),
      duration: round(duration),
      storageKey: key,
      sizeBytes: size,
      final,
    };
    this.deps.outbox.enqueue(msg);
    this.state.nextNumber = number + 1;
    this.state.lastEnd = msg.startOffset + msg.duration;
    this.save();
    this.segments++;
    fs.rmSync(file, { force: true });
  }

  /**
   * Segments a killed process left behind: listed ones, plus the one being written (a valid MPEG-TS up to
   * the kill point), announced in order with numbers after the last announced one.
   */
  private async recoverLeftovers() {
    const runDirs = fs.readdirSync(this.dir).filter((d) => d.startsWith("run-")).sort();
    for (const d of runDirs) {
      const runDir = path.join(this.dir, d);
      const listed = new Set(parseList(path.join(runDir, "list.csv")).map((e) => e.file));
      const files = fs.readdirSync(runDir).filter((f) => f.endsWith(".ts")).sort();
      for (const f of files) {
        const number = Number(f.replace(".ts", ""));
        if (number < this.state.nextNumber) continue;
        const info = await probeMedia(path.join(runDir, f)).catch(() => null);
        if (!info || info.duration <= 0) continue;
        this.deps.log(`[${this.id}] announcing ${listed.has(f) ? "" : "partial "}segment ${number} left by a previous process`);
        await this.announce(Math.max(number, this.state.nextNumber), path.join(runDir, f), this.state.lastEnd, info.duration, false);
      }
      fs.rmSync(runDir, { recursive: true, force: true });
    }
  }

  private finish(reason: TSessionEnded["reason"], message?: string) {
    if (this.status === "ended") return;
    this.status = "ended";
    void this.chain.then(() => {
      const msg: TSessionEnded = { type: "session.ended", sessionId: this.id, reason, message, segments: this.state.nextNumber };
      this.deps.outbox.enqueue(msg);
      fs.rmSync(this.dir, { recursive: true, force: true });
      this.deps.log(`[${this.id}] ended (${reason}) after ${this.state.nextNumber} segments`);
      this.resolveDone();
    });
  }
}

function parseList(file: string): TEntry[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => {
      const [f, s, e] = l.split(",");
      return { file: f, start: Number(s), end: Number(e) };
    })
    .filter((e) => e.file && Number.isFinite(e.start) && Number.isFinite(e.end));
}

const round = (n: number) => Math.round(n * 1000) / 1000;
