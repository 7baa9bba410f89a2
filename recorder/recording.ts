import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { runTool } from "@/lib/media/run";
import { checkStreamSource } from "@/lib/net/check-stream-source";
import type { TAudioChunk, TSegmentRecorded, TSessionEnded, TStartRecording } from "@/lib/recorder/protocol";
import { storageKeys, type BlobStore } from "@/lib/storage";
import type { TFrameSource, TFrameSourceFactory } from "./frame-source";
import type { TOutbox } from "./outbox";
import { sleep } from "./sleep";

/** Persisted per session (spool/sessions/<id>/state.json), so a restarted recorder continues where it was. */
type TState = {
  req: TStartRecording;
  /** Wall-clock ms when the session's recording began: stream time 0. */
  startedAt: number;
  /** Next segment number to hand out. Only ever grows, so a number is never reused. */
  nextNumber: number;
  /** Segments announced so far (`segments` of session.ended). */
  segments: number;
  /** End of the last announced segment, in stream seconds. */
  lastEnd: number;
  /** ffmpeg runs started so far (one per connection to the source); names the run directories. */
  runs: number;
  /** The source turned out to have no audio: no audio chunks for this session (ffmpeg refuses an empty output). */
  noAudio?: boolean;
};

export type TRecordingDeps = {
  spoolDir: string;
  store: BlobStore;
  outbox: TOutbox;
  ffmpegPath: string;
  ffprobePath: string;
  reconnectGraceSeconds: number;
  /** Opens pump.fun rooms (LiveKit in production, local files in tests). */
  frameSources: TFrameSourceFactory;
  log: (m: string) => void;
  /**
   * SSRF guard (unless private sources are allowed): network sources are checked before every ffmpeg run
   * (redirect chain, HLS playlist and variant URIs) and ffmpeg fetches everything through the guard proxy.
   */
  guard?: { proxyUrl: string; isPrivateHost?: (host: string) => Promise<boolean> };
};

export type TRecordingStatus = "idle" | "recording" | "reconnecting" | "stopping" | "ended";

type TListEntry = { file: string; start: number; end: number };

class Detached extends Error {}
/** The source (or something it points to) is on a private network: the session ends, no retry. */
class Refused extends Error {}

/** Local file sources are paced with `-re` and end for good at EOF; everything else is a network source. */
function localPath(url: string | undefined): string | null {
  if (url === undefined) return null;
  if (url.startsWith("/")) return url;
  if (url.startsWith("file:")) return decodeURIComponent(new URL(url).pathname);
  return null;
}

/**
 * One live session: ffmpeg pulls the source and cuts segments with stream copy; every finished segment is
 * stored, announced through the outbox, and deleted locally, strictly in number order. A network source
 * that drops is retried for the grace period; stream time keeps running meanwhile, so the gap shows in the
 * next segment's startOffset. Everything needed to continue after a crash lives in the session directory.
 */
export class Recording {
  readonly id: string;
  status: TRecordingStatus = "idle";
  lastError: string | undefined;
  private dir: string;
  private state: TState;
  private proc: ChildProcess | null = null;
  /** The pump.fun room feeding the current run, if any. */
  private frames: TFrameSource | null = null;
  private stopRequested = false;
  /** The last run failed for a reason the next run fixes (no audio for chunks): retry at once. */
  private retryNow = false;
  private detached = false;
  /** Aborted by stop()/detach(): cuts reconnect waits short. */
  private wakeup = new AbortController();
  /** Aborted by detach() only: a graceful stop still waits for storage to store everything. */
  private detaching = new AbortController();
  /** Announcements of one session run one after another, in number order. */
  private chain: Promise<void> = Promise.resolve();
  /** Leftover recovery, which must finish before recording resumes. */
  private ready: Promise<void> = Promise.resolve();
  /** Stream time at which the next announced segment starts. */
  private cursor: number;
  private done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    req: TStartRecording,
    private deps: TRecordingDeps,
  ) {
    this.id = req.sessionId;
    this.dir = path.join(deps.spoolDir, "sessions", req.sessionId);
    fs.mkdirSync(this.dir, { recursive: true });
    const saved = readState(this.dir);
    this.state = saved ?? { req, startedAt: Date.now(), nextNumber: 0, segments: 0, lastEnd: 0, runs: 0 };
    this.state.req = req;
    this.save();
    this.cursor = this.state.lastEnd;
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  get info() {
    return {
      sessionId: this.id,
      streamerId: this.state.req.streamerId,
      status: this.status,
      segments: this.state.segments,
      nextNumber: this.state.nextNumber,
      recordedSeconds: round(this.state.lastEnd),
      startedAt: new Date(this.state.startedAt).toISOString(),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  whenDone(): Promise<void> {
    return this.done;
  }

  /**
   * Announces what a previous process left on disk: the segments it finished but had not announced, and
   * the one it was writing (a valid MPEG-TS up to the kill point). Kills that process's ffmpeg first if it
   * outlived its parent. Recording (start()) waits for this.
   */
  recoverLeftovers(): Promise<void> {
    this.ready = this.recover().catch((err) => {
      if (!(err instanceof Detached)) this.deps.log(`[${this.id}] recovery failed: ${(err as Error).message}`);
    });
    return this.ready;
  }

  private async recover(): Promise<void> {
    for (const d of fs.readdirSync(this.dir).filter((f) => f.startsWith("run-")).sort()) {
      const runDir = path.join(this.dir, d);
      await killOrphan(runDir);
      await this.announceRemaining(runDir, false);
      if (this.detached) return;
      fs.rmSync(runDir, { recursive: true, force: true });
    }
  }

  start(): void {
    if (this.status !== "idle") return;
    this.status = "recording";
    void this.ready.then(() => this.loop());
  }

  /** Graceful stop: ffmpeg closes the current segment, which is announced as final, then session.ended. */
  stop(): void {
    if (this.status === "ended" || this.stopRequested) return;
    const idle = this.status === "idle";
    this.stopRequested = true;
    this.status = "stopping";
    if (idle) return this.finish("stopped");
    this.wakeup.abort();
    const proc = this.proc;
    // A room's streams end: ffmpeg drains its pipes and closes the last segment.
    this.frames?.close();
    if (proc && proc.exitCode === null) {
      proc.kill("SIGINT");
      // ffmpeg stuck in a network read: the partial file is still announced (probed) after the kill.
      setTimeout(() => proc.exitCode === null && proc.kill("SIGKILL"), 10_000).unref();
    }
  }

  /** Recorder shutdown: kill ffmpeg and announce nothing more; the session resumes when a recorder starts. */
  async detach(): Promise<void> {
    this.detached = true;
    this.stopRequested = true;
    this.wakeup.abort();
    this.detaching.abort();
    this.frames?.close();
    if (this.proc && this.proc.exitCode === null) this.proc.kill("SIGKILL");
    if (this.status === "idle") {
      await this.ready;
      this.resolveDone();
    }
    await this.done;
  }

  /** The app no longer wants this session (not in its active list): forget it, once its leftovers are out. */
  async discard(): Promise<void> {
    await this.ready;
    if (this.status !== "idle") return;
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.status = "ended";
    this.resolveDone();
  }

  private save() {
    const file = path.join(this.dir, "state.json");
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(this.state));
    fs.renameSync(`${file}.tmp`, file);
  }

  private async loop(): Promise<void> {
    const grace = this.deps.reconnectGraceSeconds * 1000;
    let lastDataAt = Date.now();
    let backoff = 1000;
    try {
      while (!this.stopRequested) {
        if (await this.runOnce()) {
          lastDataAt = Date.now();
          backoff = 1000;
        }
        if (this.stopRequested) break;
        if (this.retryNow) {
          this.retryNow = false;
          continue;
        }
        const reason = this.state.segments > 0 ? "source_ended" : "failed";
        const why = reason === "failed" ? this.lastError : undefined;
        if (localPath(this.sourceUrl)) return this.finish(reason, why);
        const silentFor = Date.now() - lastDataAt;
        if (silentFor >= grace) return this.finish(reason, why);
        this.status = "reconnecting";
        const wait = Math.min(backoff, grace - silentFor);
        this.deps.log(`[${this.id}] source dropped (${this.lastError ?? "ended"}); retrying in ${(wait / 1000).toFixed(1)}s`);
        await sleep(wait, this.wakeup.signal);
        backoff = Math.min(backoff * 2, 10_000);
      }
      if (this.detached) return this.resolveDone();
      this.finish("stopped");
    } catch (err) {
      if (this.detached) return this.resolveDone();
      if (err instanceof Refused) {
        this.lastError = err.message;
        this.deps.log(`[${this.id}] ${err.message}`);
        return this.finish("failed", err.message);
      }
      this.deps.log(`[${this.id}] recording failed: ${(err as Error).message}`);
      this.finish("failed", (err as Error).message);
    }
  }

  private get sourceUrl(): string | undefined {
    const src = this.state.req.source;
    return src.kind === "url" ? src.url : undefined;
  }

  /** ffmpeg input arguments of a URL source; null when the guard's pre-flight could not reach it (retried). */
  private async inputArgs(): Promise<string[] | null> {
    let url = this.sourceUrl!;
    const file = localPath(url);
    // -re: a file is read at its own pace, like a live stream.
    if (file) return ["-re", "-i", file];
    // rw_timeout (µs): a source that stops sending without closing is noticed instead of waited on forever.
    const args = ["-rw_timeout", "15000000"];
    const guard = this.deps.guard;
    if (guard) {
      const checked = await checkStreamSource(url, { isPrivate: guard.isPrivateHost });
      if (!checked.ok && checked.transient) {
        this.lastError = checked.reason;
        return null;
      }
      if (!checked.ok) throw new Refused(`refused: ${checked.reason}`);
      url = checked.url;
    }
    const parsed = new URL(url);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") {
      // Every request (playlist reloads, variants, segments, redirects) goes through the checking proxy.
      if (guard) args.push("-http_proxy", guard.proxyUrl);
      // Short network blips are bridged inside ffmpeg, without a segment boundary.
      args.push("-reconnect", "1", "-reconnect_streamed", "1", "-reconnect_on_network_error", "1", "-reconnect_delay_max", "5");
      // A live playlist that stops advancing counts as ended after 10 reloads (ffmpeg's default is 1000).
      if (parsed.pathname.endsWith(".m3u8")) args.push("-m3u8_hold_counters", "10");
    }
    return [...args, "-i", url];
  }

  /** One ffmpeg process (one connection to the source). Resolves with whether it recorded anything. */
  private async runOnce(): Promise<boolean> {
    const src = this.state.req.source;
    // pump.fun rooms arrive as raw frames (below); URL sources are read by ffmpeg itself.
    const input = src.kind === "url" ? await this.inputArgs() : [];
    if (!input) return false;
    const runDir = path.join(this.dir, `run-${String(this.state.runs).padStart(4, "0")}`);
    const firstRun = this.state.runs === 0;
    this.state.runs++;
    this.save();
    fs.mkdirSync(runDir, { recursive: true });
    const list = path.join(runDir, "list.csv");
    const before = this.state.segments;
    const run = this.state.runs - 1;
    if (!this.stopRequested) this.status = "recording";
    // Stream time of this run's first frame: 0 for the first run; after a drop or restart, the wall-clock
    // time since the session began (the gap is part of stream time), never before the last segment's end.
    this.cursor = firstRun ? 0 : Math.max(this.state.lastEnd, (Date.now() - this.state.startedAt) / 1000);
    let frames: TFrameSource | null = null;
    if (src.kind === "pumpfun") {
      try {
        frames = await this.deps.frameSources(src.mint, this.deps.log, this.wakeup.signal);
      } catch (err) {
        // Not publishing yet (or not joinable): the reconnect loop tries again within its grace period.
        this.lastError = `pump.fun room: ${(err as Error).message}`;
        fs.rmSync(runDir, { recursive: true, force: true });
        return false;
      }
      if (this.stopRequested) {
        frames.close();
        fs.rmSync(runDir, { recursive: true, force: true });
        return false;
      }
    }
    this.frames = frames;
    const runStart = this.cursor;
    const chunkSeconds = this.state.noAudio ? 0 : (this.state.req.audioChunkSeconds ?? 0);
    const chunkList = path.join(runDir, "chunks.csv");
    const args = [
      "-hide_banner", "-loglevel", "error", "-nostdin",
      ...(frames ? rawInputArgs(frames, this.state.req.segmentSeconds) : [
        ...input,
        // ffmpeg's default selection (best video + best audio, whichever exist) rather than -map 0:v? -map 0:a?:
        // the same for a single-rendition source, but an HLS master playlist then pulls one rendition, not all.
        "-sn", "-dn", "-c", "copy",
      ]),
      "-f", "segment", "-segment_time", String(this.state.req.segmentSeconds), "-segment_format", "mpegts",
      "-reset_timestamps", "1", "-segment_list", list, "-segment_list_type", "csv",
      "-segment_start_number", String(this.state.nextNumber), path.join(runDir, "%05d.ts"),
      // Audio sent ahead: the same audio as 16 kHz mono WAV chunks, cut on the same clock as the segments.
      ...(chunkSeconds > 0 ? [
        "-map", frames ? "1:a" : "0:a:0?", "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le",
        "-f", "segment", "-segment_time", String(chunkSeconds), "-segment_format", "wav", "-reset_timestamps", "1",
        "-segment_list", chunkList, "-segment_list_type", "csv", path.join(runDir, "a-%05d.wav"),
      ] : []),
    ];
    const proc = spawn(this.deps.ffmpegPath, args, { stdio: ["ignore", "ignore", "pipe", ...(frames ? (["pipe", "pipe"] as const) : [])] });
    this.proc = proc;
    if (frames) feed(frames, proc);
    if (proc.pid) fs.writeFileSync(path.join(runDir, "ffmpeg.pid"), String(proc.pid));
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = new Promise<void>((resolve) => {
      proc.once("close", () => resolve());
      proc.once("error", (err) => {
        stderr += `\n${err.message}`;
        resolve();
      });
    });
    if (this.stopRequested && !this.detached) proc.kill("SIGINT"); // stop() raced the spawn

    // Segments are announced as ffmpeg lists them, while it keeps recording: each once the next one is open.
    // The one ffmpeg lists as it exits has no successor and is left to announceRemaining, which knows
    // whether it is final (otherwise a drain between that list write and the exit would announce it as not).
    let seen = 0;
    let chunksSeen = 0;
    const drainChunks = () => {
      for (const c of parseList(chunkList, /^a-\d+\.wav$/).slice(chunksSeen)) {
        chunksSeen++;
        this.enqueueChunk(path.join(runDir, c.file), run, c, runStart);
      }
    };
    const drain = () => {
      const entries = parseList(list);
      for (const e of entries.slice(seen)) {
        const n = Number.parseInt(e.file, 10);
        if (!fs.existsSync(path.join(runDir, `${String(n + 1).padStart(5, "0")}.ts`))) break;
        this.enqueue(n, path.join(runDir, e.file), e.end - e.start, false);
        seen++;
      }
      if (chunkSeconds > 0) drainChunks();
    };
    const timer = setInterval(drain, 250);
    await exited;
    clearInterval(timer);
    if (chunkSeconds > 0 && !this.detached) drainChunks();
    if (chunkSeconds > 0 && /does not contain any stream/.test(stderr) && this.state.segments === before) {
      // A source without audio: ffmpeg refused the (empty) chunk output. Record it without chunks.
      this.deps.log(`[${this.id}] source has no audio; recording without audio chunks`);
      this.state.noAudio = true;
      this.save();
      this.retryNow = true;
    }
    this.proc = null;
    frames?.close();
    this.frames = null;
    const lastLine = stderr.trim().split("\n").at(-1);
    if (lastLine) this.lastError = lastLine;
    await this.chain;
    if (this.detached) return this.state.segments > before; // the run directory is recovered on restart
    // The rest, including the last (partial) segment; final when nothing will follow it.
    await this.announceRemaining(runDir, this.stopRequested || !!localPath(this.sourceUrl));
    fs.rmSync(runDir, { recursive: true, force: true });
    return this.state.segments > before;
  }

  private enqueue(number: number, file: string, duration: number, final: boolean) {
    this.chain = this.chain
      .then(() => this.announce(number, file, duration, final))
      .catch((err) => {
        if (!(err instanceof Detached)) this.deps.log(`[${this.id}] segment ${number}: ${(err as Error).message}`);
      });
  }

  /**
   * Audio chunk → storage → outbox (`audio.chunk`) → local delete, in the session's chain. Best effort by
   * design: a chunk lost to a crash only means its segment transcribes that stretch itself.
   */
  private enqueueChunk(file: string, run: number, entry: TListEntry, runStart: number) {
    const index = Number.parseInt(entry.file.slice(2), 10);
    this.chain = this.chain
      .then(async () => {
        const duration = entry.end - entry.start;
        if (!(duration > 0) || !fs.existsSync(file)) return;
        const key = storageKeys.audioChunk(this.id, run, index);
        await this.putWithRetry(key, file, "audio/wav");
        const msg: TAudioChunk = { type: "audio.chunk", sessionId: this.id, startOffset: round(runStart + entry.start), duration: round(duration), storageKey: key };
        this.deps.outbox.enqueue(msg);
        fs.rmSync(file, { force: true });
      })
      .catch((err) => {
        if (!(err instanceof Detached)) this.deps.log(`[${this.id}] audio chunk ${run}/${index}: ${(err as Error).message}`);
      });
  }

  /** Segment files in a run directory not yet announced, in order: listed ones, then an unlisted partial. */
  private async announceRemaining(runDir: string, markLastFinal: boolean) {
    const listed = new Map(parseList(path.join(runDir, "list.csv")).map((e) => [e.file, e.end - e.start]));
    const files = fs
      .readdirSync(runDir)
      .filter((f) => /^\d+\.ts$/.test(f) && Number.parseInt(f, 10) >= this.state.nextNumber)
      .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
    for (const [i, f] of files.entries()) {
      this.enqueue(Number.parseInt(f, 10), path.join(runDir, f), listed.get(f) ?? 0, markLastFinal && i === files.length - 1);
    }
    await this.chain;
  }

  /** Store → outbox → local delete. Runs inside the chain. */
  private async announce(number: number, file: string, listedDuration: number, final: boolean) {
    if (number < this.state.nextNumber) return; // announced before (a restart re-reading a run directory)
    const duration = listedDuration > 0 ? listedDuration : await this.probeDuration(file);
    if (!(duration > 0)) {
      this.deps.log(`[${this.id}] segment ${number} holds no media; skipped`);
      fs.rmSync(file, { force: true });
      return;
    }
    const key = storageKeys.segment(this.id, number);
    const { size } = await this.putWithRetry(key, file);
    const msg: TSegmentRecorded = {
      type: "segment.recorded",
      sessionId: this.id,
      number,
      startOffset: round(this.cursor),
      duration: round(duration),
      storageKey: key,
      sizeBytes: size,
      final,
    };
    this.deps.outbox.enqueue(msg);
    this.state.nextNumber = number + 1;
    this.state.segments++;
    this.state.lastEnd = msg.startOffset + msg.duration;
    this.cursor = this.state.lastEnd;
    this.save();
    fs.rmSync(file, { force: true });
  }

  /** Storage outages hold the session's queue (segments wait on disk) rather than losing a segment. */
  private async putWithRetry(key: string, file: string, contentType = "video/mp2t") {
    for (let attempt = 0; ; attempt++) {
      if (this.detached) throw new Detached();
      try {
        return await this.deps.store.put(key, file, { contentType });
      } catch (err) {
        if (attempt === 0) this.deps.log(`[${this.id}] storing ${key} failed (${(err as Error).message}); retrying`);
        await sleep(Math.min(30_000, 500 * 2 ** Math.min(attempt, 6)), this.detaching.signal);
      }
    }
  }

  private async probeDuration(file: string): Promise<number> {
    try {
      const { stdout } = await runTool(this.deps.ffprobePath, ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]);
      return Number(stdout.trim());
    } catch {
      return 0;
    }
  }

  private finish(reason: TSessionEnded["reason"], message?: string) {
    if (this.status === "ended") return;
    this.status = "ended";
    void this.ready
      .then(() => this.chain)
      .then(() => {
        const msg: TSessionEnded = { type: "session.ended", sessionId: this.id, reason, segments: this.state.segments, ...(message ? { message } : {}) };
        this.deps.outbox.enqueue(msg);
        fs.rmSync(this.dir, { recursive: true, force: true });
        this.deps.log(`[${this.id}] ended (${reason}${message ? `: ${message}` : ""}) after ${this.state.segments} segments`);
        this.resolveDone();
      });
  }
}

/**
 * ffmpeg input for a frame source: raw I420 video on fd 3, s16le PCM on fd 4, encoded (H.264 + AAC) since
 * raw frames cannot be stream-copied; a keyframe is forced at every segment boundary so cuts are on time.
 */
function rawInputArgs(frames: TFrameSource, segmentSeconds: number): string[] {
  const f = frames.format;
  return [
    "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", `${f.width}x${f.height}`, "-framerate", String(f.fps), "-i", "pipe:3",
    "-f", "s16le", "-ar", String(f.sampleRate), "-ac", String(f.channels), "-i", "pipe:4",
    "-map", "0:v", "-map", "1:a",
    "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", String(f.fps * 2),
    "-force_key_frames", `expr:gte(t,n_forced*${segmentSeconds})`,
    "-c:a", "aac", "-b:a", "128k",
  ];
}

/** Frame source → ffmpeg's pipes, with backpressure; ffmpeg sees EOF when the source ends. */
function feed(frames: TFrameSource, proc: ChildProcess) {
  const pipes = [proc.stdio[3], proc.stdio[4]] as NodeJS.WritableStream[];
  for (const [from, to] of [[frames.video, pipes[0]], [frames.audio, pipes[1]]] as const) {
    to.on("error", () => frames.close()); // ffmpeg gone: EPIPE
    from.pipe(to);
  }
}

export function readState(dir: string): TState | null {
  const file = path.join(dir, "state.json");
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as TState) : null;
}

/** Complete lines only: ffmpeg may be halfway through writing the last one. */
function parseList(file: string, name = /^\d+\.ts$/): TListEntry[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .slice(0, -1)
    .map((l) => {
      const [f, s, e] = l.split(",");
      return { file: f, start: Number(s), end: Number(e) };
    })
    .filter((e) => name.test(e.file) && Number.isFinite(e.start) && Number.isFinite(e.end));
}

/**
 * An ffmpeg whose recorder was killed keeps running (and writing into its run directory). Kill it before
 * the directory is read, if the pid still belongs to that ffmpeg (Linux /proc; elsewhere a no-op).
 */
async function killOrphan(runDir: string) {
  const pidFile = path.join(runDir, "ffmpeg.pid");
  const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8").trim()) : NaN;
  const owned = () => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(runDir);
    } catch {
      return false;
    }
  };
  if (!Number.isInteger(pid) || !owned()) return;
  process.kill(pid, "SIGKILL");
  for (let i = 0; i < 50 && owned(); i++) await sleep(100);
}

const round = (n: number) => Math.round(n * 1000) / 1000;
