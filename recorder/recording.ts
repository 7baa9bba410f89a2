import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { encodeArgs, ffmpegEncoders, outputSupport } from "@/lib/media/output-formats";
import { runTool } from "@/lib/media/run";
import { checkStreamSource } from "@/lib/net/check-stream-source";
import type { TAudioChunk, TSegmentRecorded, TSessionEnded, TStartRecording } from "@/lib/recorder/protocol";
import { storageKeys, type BlobStore } from "@/lib/storage";
import type { TFrameSource, TFrameSourceFactories, TRoomSource } from "./frame-source";
import { LiveParts } from "./live-parts";
import { openFrameSource } from "./open-frame-source";
import { ActivityCollector, type TOpenActivityFeed } from "./pump-activity";
import type { TOutbox } from "./outbox";
import { parseSegmentList, SEGMENT_FILE, type TListEntry } from "./parse-segment-list";
import { SEGMENT_LIST, segmenterArgs, type TSegmenterInput, type TSegmenterOptions } from "./segmenter-args";
import { sleep } from "./sleep";
import { SEGMENTER_PID_FILE, spawnSegmenter } from "./spawn-segmenter";
import { readSpoolState, writeSpoolState, type TSpoolState } from "./spool-state";
import { watchPartPlaylist } from "./watch-part-playlist";
import { watchSegmentList } from "./watch-segment-list";

export type TRecordingDeps = {
  spoolDir: string;
  store: BlobStore;
  outbox: TOutbox;
  ffmpegPath: string;
  ffprobePath: string;
  reconnectGraceSeconds: number;
  /** How long live parts outlive the stored segment covering them (and the session's end). Default 60. */
  livePartsGraceSeconds?: number;
  livePartsEndGraceSeconds?: number;
  /** Opens rooms by source kind: pump.fun coins and the operator's LiveKit rooms (local files in tests). */
  frameSources: TFrameSourceFactories;
  log: (m: string) => void;
  /**
   * SSRF guard (unless private sources are allowed): network sources are checked before every ffmpeg run
   * (redirect chain, HLS playlist and variant URIs) and ffmpeg fetches everything through the guard proxy.
   */
  guard?: { proxyUrl: string; isPrivateHost?: (host: string) => Promise<boolean> };
  /** Reads a pump.fun coin's trades and chat while its session records (decision 024); absent: not read. */
  openActivityFeed?: TOpenActivityFeed;
};

export type TRecordingStatus = "idle" | "recording" | "reconnecting" | "stopping" | "ended";

/** The encoders of each ffmpeg binary, asked once per process. */
const encoders = new Map<string, ReturnType<typeof ffmpegEncoders>>();

/** Content types of the segment containers (lib/media/output-formats.ts). */
const SEGMENT_CONTENT_TYPE: Record<string, string> = { ts: "video/mp2t", mp4: "video/mp4", webm: "video/webm" };

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
  private state: TSpoolState;
  private proc: ChildProcess | null = null;
  /** The room (pump.fun or the operator's LiveKit) feeding the current run, if any. */
  private frames: TFrameSource | null = null;
  private stopRequested = false;
  /** The last run failed for a reason the next run fixes (no audio for chunks): retry at once. */
  private retryNow = false;
  private detached = false;
  /** Why recording stopped on a full spool disk (shown on the dashboard through session.ended). */
  private spoolFull: string | null = null;
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
  /** The live edge's short parts (stored and listed in the live manifest beside the segments). */
  private parts: LiveParts;
  private done: Promise<void>;
  private resolveDone!: () => void;
  /** A pump.fun session's coin activity, counted on the session clock. */
  private activity: ActivityCollector | null = null;
  /** Wall-clock time of the current (or last) run's first frame and its stream time. */
  private clock: { wall: number; session: number } | null = null;

  constructor(
    req: TStartRecording,
    private deps: TRecordingDeps,
  ) {
    this.id = req.sessionId;
    this.dir = path.join(deps.spoolDir, "sessions", req.sessionId);
    fs.mkdirSync(this.dir, { recursive: true });
    const saved = readSpoolState(this.dir);
    const lease = req.lease;
    // A session new to this spool continues where the app says it stands (a takeover, or a spool lost):
    // numbering from the next number the app has not stored, the clock from the session's start.
    this.state = saved ?? {
      req,
      startedAt: lease?.startedAt ?? Date.now(),
      nextNumber: lease?.nextNumber ?? 0,
      segments: 0,
      lastEnd: lease?.storedUntil ?? 0,
      runs: 0,
      ...(lease?.resume ? { resumed: true } : {}),
    };
    this.state.req = req;
    if (lease) this.adoptLease(lease, false);
    this.save();
    this.cursor = this.state.lastEnd;
    this.done = new Promise((r) => (this.resolveDone = r));
    this.parts = new LiveParts({
      sessionId: this.id,
      store: deps.store,
      log: deps.log,
      graceSeconds: deps.livePartsGraceSeconds ?? 60,
      endGraceSeconds: deps.livePartsEndGraceSeconds ?? deps.livePartsGraceSeconds ?? 60,
      probeDuration: (file) => this.probeDuration(file),
      epoch: () => this.epoch,
      seq: {
        get: () => this.state.nextPartSeq ?? 0,
        set: (next) => {
          this.state.nextPartSeq = next;
          this.save();
        },
      },
    });
  }

  /** The lease epoch this recording announces under (0: no lease). */
  get epoch(): number {
    return this.state.epoch ?? 0;
  }

  /**
   * A newer word from the app on the lease: a higher epoch (a re-assignment to this recorder) and the next
   * number it has stored; numbering never goes back.
   */
  adoptLease(lease: NonNullable<TStartRecording["lease"]>, save = true): void {
    if (lease.epoch < (this.state.epoch ?? 0)) return;
    this.state.epoch = lease.epoch;
    this.state.req = { ...this.state.req, lease };
    this.state.nextNumber = Math.max(this.state.nextNumber, lease.nextNumber);
    this.state.lastEnd = Math.max(this.state.lastEnd, lease.storedUntil);
    if (save) this.save();
  }

  get info() {
    return {
      sessionId: this.id,
      epoch: this.epoch,
      streamerId: this.state.req.streamerId,
      status: this.status,
      segments: this.state.segments,
      nextNumber: this.state.nextNumber,
      recordedSeconds: round(this.state.lastEnd),
      startedAt: new Date(this.state.startedAt).toISOString(),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /**
   * The app's newer word on a session resumed from the spool: a LiveKit room's source carries a freshly minted
   * viewer token (the spooled one may have expired while no recorder ran).
   */
  refreshSource(source: TStartRecording["source"]): void {
    if (this.status !== "idle" || source.kind !== "livekit" || this.state.req.source.kind !== "livekit") return;
    this.state.req = { ...this.state.req, source };
    this.save();
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
    for (const d of fs
      .readdirSync(this.dir)
      .filter((f) => f.startsWith("run-"))
      .sort()) {
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
    const src = this.state.req.source;
    if (src.kind === "pumpfun" && this.deps.openActivityFeed && !this.state.req.replay) {
      this.activity = new ActivityCollector({
        sessionId: this.id,
        mint: src.mint,
        outbox: this.deps.outbox,
        log: this.deps.log,
        openFeed: this.deps.openActivityFeed,
        sessionTime: (ms) => (this.clock ? this.clock.session + (ms - this.clock.wall) / 1000 : null),
      });
      this.activity.start();
    }
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
    void this.activity?.detach();
    this.frames?.close();
    if (this.proc && this.proc.exitCode === null) this.proc.kill("SIGKILL");
    if (this.status === "idle") {
      await this.ready;
      this.resolveDone();
    }
    await this.done;
  }

  /**
   * Another recorder holds the session's lease now (the app refused an announcement, or said so in a heartbeat
   * answer): stop at once, announce nothing more, and forget the session. What it stored stays under its own
   * run's keys; what it had not stored is given up (the new owner records from the source).
   */
  async abandon(): Promise<void> {
    if (this.status === "ended") return;
    this.deps.log(`[${this.id}] lease epoch ${this.epoch} lost to another recorder; stopping without announcing`);
    await this.detach();
    this.status = "ended";
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * The spool's disk is full (ENOSPC from ffmpeg, the state file or the outbox): recording cannot go on without
   * losing what it records next. ffmpeg is stopped, what is on disk is stored and announced (the outbox keeps
   * messages in memory meanwhile), and the session ends as failed with the reason, which the app shows on the
   * streamer.
   */
  spoolIsFull(err: Error): void {
    if (this.spoolFull || this.status === "ended" || this.stopRequested) return;
    this.spoolFull = `Recording stopped: the recorder's spool disk is full (${err.message.split("\n")[0].slice(0, 160)}). Free space on the recorder, then press Record.`;
    this.deps.log(`[${this.id}] spool disk full: stopping the recording (${err.message})`);
    this.wakeup.abort();
    this.frames?.close();
    const proc = this.proc;
    if (proc && proc.exitCode === null) {
      proc.kill("SIGINT");
      setTimeout(() => proc.exitCode === null && proc.kill("SIGKILL"), 5_000).unref();
    }
  }

  /** The app no longer wants this session (not in its active list): forget it, once its leftovers are out. */
  async discard(): Promise<void> {
    await this.ready;
    if (this.status !== "idle") return;
    // Ended before anything is awaited: a start request arriving meanwhile must not find it idle and begin
    // recording into a directory that is being removed.
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.status = "ended";
    this.resolveDone();
    await this.parts.discard();
  }

  /** Announcements carry the lease epoch (none without a lease). */
  private epochField(): { epoch?: number } {
    return this.epoch ? { epoch: this.epoch } : {};
  }

  private save() {
    try {
      writeSpoolState(this.dir, this.state);
    } catch (err) {
      // The state stays in memory; a full disk stops the recording (spoolIsFull) rather than losing segments.
      if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
      this.spoolIsFull(err as Error);
    }
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
        if (this.spoolFull) return this.finish("failed", this.spoolFull);
        if (this.stopRequested) break;
        if (this.retryNow) {
          this.retryNow = false;
          continue;
        }
        const reason = this.state.segments > 0 ? "source_ended" : "failed";
        const why = reason === "failed" ? this.lastError : undefined;
        // A replay is read once, to its end.
        if (this.state.req.replay) {
          return this.finish(reason, why ?? "the recording was read to its end", { finite: true });
        }
        // A recording (a file, HTTP media, a finished HLS playlist) read to its end is over: reading it again
        // would record the same thing twice.
        if (reason === "source_ended" && (await this.sourceIsFinite())) {
          return this.finish(reason, "the source is a recording and it ended", { finite: true });
        }
        if (localPath(this.sourceUrl)) return this.finish(reason, why);
        const silentFor = Date.now() - lastDataAt;
        if (silentFor >= grace) return this.finish(reason, why);
        this.status = "reconnecting";
        const wait = Math.min(backoff, grace - silentFor);
        this.deps.log(
          `[${this.id}] source dropped (${this.lastError ?? "ended"}); retrying in ${(wait / 1000).toFixed(1)}s`,
        );
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

  /**
   * The segments' encoding for the streamer's recording output, with the encoders this recorder's ffmpeg has.
   * One it cannot make is recorded by stream copy (logged) rather than not at all.
   */
  private async segmentEncoding(): Promise<TSegmenterOptions["encode"]> {
    const out = this.state.req.output;
    if (!out) return undefined;
    if (!encoders.has(this.deps.ffmpegPath)) encoders.set(this.deps.ffmpegPath, ffmpegEncoders(this.deps.ffmpegPath));
    const found = await encoders.get(this.deps.ffmpegPath)!;
    const support = outputSupport(found?.encoders ?? null).find((o) => o.id === out.format)!;
    if (!support.available) {
      this.deps.log(
        `[${this.id}] cannot make ${out.format} (missing ${support.missing.join(", ")}); stream copy instead`,
      );
      return undefined;
    }
    return {
      args: encodeArgs(support, out.quality, this.state.req.segmentSeconds),
      container: support.container as "mp4" | "webm",
      ext: support.ext,
    };
  }

  /** Whether the URL source is a recording that has ended, not a live stream that dropped (checked after a run). */
  private async sourceIsFinite(): Promise<boolean> {
    const url = this.sourceUrl;
    if (url === undefined) return false; // a room
    if (localPath(url)) return true;
    const isPrivate = this.deps.guard?.isPrivateHost ?? (async () => false);
    const checked = await checkStreamSource(url, { isPrivate }).catch(() => null);
    return checked?.ok === true && checked.finite;
  }

  private get sourceUrl(): string | undefined {
    const src = this.state.req.source;
    return src.kind === "url" ? src.url : undefined;
  }

  /** Segmenter input of a URL source; null when the guard's pre-flight could not reach it (retried). */
  private async urlInput(url: string): Promise<TSegmenterInput | null> {
    const pace = this.state.req.replay?.pace;
    const file = localPath(url);
    if (file) return { kind: "file", path: file, fast: pace === "fast" };
    const realtime = pace === "live";
    const guard = this.deps.guard;
    if (!guard) return { kind: "network", url, realtime };
    const checked = await checkStreamSource(url, { isPrivate: guard.isPrivateHost });
    if (!checked.ok && checked.transient) {
      this.lastError = checked.reason;
      return null;
    }
    if (!checked.ok) throw new Refused(`refused: ${checked.reason}`);
    if (checked.unreadable) throw new Refused(`refused: ${checked.unreadable}`);
    return { kind: "network", url: checked.url, proxyUrl: guard.proxyUrl, realtime };
  }

  /** One ffmpeg process (one connection to the source). Resolves with whether it recorded anything. */
  private async runOnce(): Promise<boolean> {
    const src = this.state.req.source;
    // A URL source is checked, then read by ffmpeg itself; a room is joined once the run is set up.
    let input = src.kind === "url" ? await this.urlInput(src.url) : undefined;
    if (input === null) return false;
    const run = this.beginRun();
    const before = this.state.segments;
    const frames = src.kind !== "url" ? await this.openRoom(src, run.dir) : null;
    if (frames) input = { kind: "raw", format: frames.format };
    if (!input) return false; // no room this time, or the session stopped meanwhile
    this.frames = frames;
    const runStart = this.cursor;
    const chunkSeconds = this.state.noAudio ? 0 : (this.state.req.audioChunkSeconds ?? 0);
    const encode = await this.segmentEncoding();
    const args = segmenterArgs({
      encode,
      input,
      segmentSeconds: this.state.req.segmentSeconds,
      startNumber: this.state.nextNumber,
      audioChunkSeconds: chunkSeconds,
      runDir: run.dir,
      // A fast replay is no live stream: nobody watches its edge, and its parts would only cost uploads.
      liveParts: this.state.req.replay?.pace !== "fast",
    });
    const segmenter = spawnSegmenter(this.deps.ffmpegPath, args, frames, run.dir);
    this.proc = segmenter.proc;
    this.clock = { wall: Date.now(), session: runStart };
    if (this.stopRequested && !this.detached) segmenter.proc.kill("SIGINT"); // stop() raced the spawn

    // Segments are announced as ffmpeg lists them, while it keeps recording: each once the next one is open.
    // The one ffmpeg lists as it exits is left to announceRemaining (in endRun), which knows whether it is final.
    const chunk = (file: string, c: TListEntry) => this.enqueueChunk(file, run.id, c, runStart);
    const watch = watchSegmentList(run.dir, {
      segment: (number, file, duration) => this.enqueue(number, file, duration, false),
      ...(chunkSeconds > 0 ? { chunk } : {}),
    });
    // Parts share the run's clock with its segments and chunks; a later run starts after a gap.
    const partRun = this.parts.beginRun(runStart, run.number > 0);
    const partWatch = watchPartPlaylist(run.dir, (e) =>
      this.parts.add(partRun, path.join(run.dir, e.file), e.duration),
    );
    const stderr = await segmenter.exited;
    if (/No space left on device/i.test(stderr)) this.spoolIsFull(new Error("ENOSPC: no space left on device"));
    watch.stop({ drainChunks: !this.detached });
    partWatch.stop({ drain: !this.detached });
    if (chunkSeconds > 0 && /does not contain any stream/.test(stderr) && this.state.segments === before) {
      // A source without audio: ffmpeg refused the (empty) chunk output. Record it without chunks.
      this.deps.log(`[${this.id}] source has no audio; recording without audio chunks`);
      this.state.noAudio = true;
      this.save();
      this.retryNow = true;
    }
    await this.endRun(run.dir, stderr);
    return this.state.segments > before;
  }

  /** Claims the next run directory and sets the stream clock to where this run's first frame falls. */
  private beginRun(): { dir: string; number: number; id: string } {
    const number = this.state.runs;
    // Names the run's stored keys too: its epoch and a random token, so no two runs (a takeover, a recorder
    // restarted without its spool) ever write the same key.
    const id = `run-${String(number).padStart(4, "0")}-e${this.epoch}-${randomBytes(3).toString("hex")}`;
    const dir = path.join(this.dir, id);
    this.state.runs++;
    this.save();
    fs.mkdirSync(dir, { recursive: true });
    if (!this.stopRequested) this.status = "recording";
    // Stream time of this run's first frame: 0 for the first run; after a drop or restart, the wall-clock
    // time since the session began (the gap is part of stream time), never before the last segment's end.
    const first = number === 0 && !this.state.resumed;
    this.cursor = first ? 0 : Math.max(this.state.lastEnd, (Date.now() - this.state.startedAt) / 1000);
    return { dir, number, id };
  }

  /** The room for a run; null (and the run directory gone) when there is none this time. */
  private async openRoom(source: TRoomSource, runDir: string): Promise<TFrameSource | null> {
    const opened = await openFrameSource(this.deps.frameSources, this.id, source, this.deps.log, this.wakeup.signal);
    if (opened.frames) return opened.frames;
    // Not publishing yet (or not joinable): the reconnect loop tries again within its grace period.
    if (opened.error) this.lastError = opened.error;
    fs.rmSync(runDir, { recursive: true, force: true });
    return null;
  }

  /** After ffmpeg exited: release the room, keep its last word, announce the rest of the run, remove its directory. */
  private async endRun(runDir: string, stderr: string): Promise<void> {
    this.proc = null;
    this.frames?.close();
    this.frames = null;
    const lastLine = stderr.trim().split("\n").at(-1);
    if (lastLine) this.lastError = lastLine;
    await this.chain;
    if (this.detached) return; // the run directory is recovered on restart
    await this.parts.idle(); // its parts are read from the run directory
    // The rest, including the last (partial) segment; final when nothing will follow it.
    await this.announceRemaining(runDir, this.stopRequested || !!this.spoolFull || !!localPath(this.sourceUrl));
    fs.rmSync(runDir, { recursive: true, force: true });
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
  private enqueueChunk(file: string, run: string, entry: TListEntry, runStart: number) {
    const index = Number.parseInt(entry.file.slice(2), 10);
    this.chain = this.chain
      .then(async () => {
        const duration = entry.end - entry.start;
        if (!(duration > 0) || !fs.existsSync(file)) return;
        const key = storageKeys.audioChunk(this.id, run, index);
        await this.putWithRetry(key, file, "audio/wav");
        const msg: TAudioChunk = {
          type: "audio.chunk",
          sessionId: this.id,
          startOffset: round(runStart + entry.start),
          duration: round(duration),
          storageKey: key,
          ...this.epochField(),
        };
        this.deps.outbox.enqueue(msg);
        fs.rmSync(file, { force: true });
      })
      .catch((err) => {
        if (!(err instanceof Detached))
          this.deps.log(`[${this.id}] audio chunk ${run}/${index}: ${(err as Error).message}`);
      });
  }

  /** Segment files in a run directory not yet announced, in order: listed ones, then an unlisted partial. */
  private async announceRemaining(runDir: string, markLastFinal: boolean) {
    const listed = new Map(parseSegmentList(path.join(runDir, SEGMENT_LIST)).map((e) => [e.file, e.end - e.start]));
    const files = fs
      .readdirSync(runDir)
      .filter((f) => SEGMENT_FILE.test(f) && Number.parseInt(f, 10) >= this.state.nextNumber)
      .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
    for (const [i, f] of files.entries()) {
      this.enqueue(
        Number.parseInt(f, 10),
        path.join(runDir, f),
        listed.get(f) ?? 0,
        markLastFinal && i === files.length - 1,
      );
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
    const ext = path.extname(file).slice(1);
    const key = storageKeys.segment(this.id, number, ext, path.basename(path.dirname(file)));
    const { size } = await this.putWithRetry(key, file, SEGMENT_CONTENT_TYPE[ext] ?? "video/mp2t");
    const msg: TSegmentRecorded = {
      type: "segment.recorded",
      sessionId: this.id,
      number,
      startOffset: round(this.cursor),
      duration: round(duration),
      storageKey: key,
      sizeBytes: size,
      final,
      ...this.epochField(),
    };
    this.deps.outbox.enqueue(msg);
    this.state.nextNumber = number + 1;
    this.state.segments++;
    this.state.lastEnd = msg.startOffset + msg.duration;
    this.cursor = this.state.lastEnd;
    this.save();
    fs.rmSync(file, { force: true });
    this.parts.segmentStored(this.state.lastEnd);
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
      const { stdout } = await runTool(this.deps.ffprobePath, [
        "-v",
        "error",
        "-show_entries",
        "format=duration",
        "-of",
        "csv=p=0",
        file,
      ]);
      return Number(stdout.trim());
    } catch {
      return 0;
    }
  }

  private finish(reason: TSessionEnded["reason"], message?: string, extra: { finite?: true } = {}) {
    if (this.status === "ended") return;
    this.status = "ended";
    void this.ready
      .then(() => this.chain)
      .then(() => this.parts.end())
      .then(() => this.activity?.stop())
      .then(() => {
        const msg: TSessionEnded = {
          type: "session.ended",
          sessionId: this.id,
          reason,
          segments: this.state.segments,
          ...(message ? { message } : {}),
          ...extra,
          ...this.epochField(),
        };
        this.deps.outbox.enqueue(msg);
        fs.rmSync(this.dir, { recursive: true, force: true });
        this.deps.log(
          `[${this.id}] ended (${reason}${message ? `: ${message}` : ""}) after ${this.state.segments} segments`,
        );
        this.resolveDone();
      });
  }
}

/**
 * An ffmpeg whose recorder was killed keeps running (and writing into its run directory). Kill it before
 * the directory is read, if the pid still belongs to that ffmpeg (Linux /proc; elsewhere a no-op).
 */
async function killOrphan(runDir: string) {
  const pidFile = path.join(runDir, SEGMENTER_PID_FILE);
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
