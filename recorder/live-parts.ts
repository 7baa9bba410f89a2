import fs from "node:fs";
import { liveKeys, ZLiveManifest, type TLiveManifest, type TLivePart } from "@/lib/live-edge/manifest";
import type { BlobStore } from "@/lib/storage";

export type TLivePartsOptions = {
  sessionId: string;
  store: BlobStore;
  log: (m: string) => void;
  /** Parts stay this long after the segment covering them is stored (a clip render in flight still finds them). */
  graceSeconds: number;
  /** Parts (and the manifest) stay this long after the recording ends. */
  endGraceSeconds: number;
  /** Length of a part ffmpeg listed without one (it slid out of the playlist before it was seen). */
  probeDuration: (file: string) => Promise<number>;
  /** The session's next part number, kept in the spool state so it continues across recorder restarts. */
  seq: { get(): number; set(next: number): void };
  /**
   * The lease epoch the parts and the manifest are written under (liveKeys): a former owner that wakes up
   * cannot overwrite them. 0 without a lease.
   */
  epoch?: () => number;
};

/** One ffmpeg run's parts: they start at the run's `start` on the session clock and follow one another. */
export type TPartRun = { start: number; elapsed: number; first: boolean; discontinuity: boolean };

/**
 * The live edge's media buffer of one session: stores each closed part (liveKeys.part), rewrites the
 * manifest (liveKeys.manifest) after every change, and deletes parts once the segment covering them is
 * stored and the grace has passed. Everything runs in its own queue, apart from the segments' chain, so a
 * slow or failing part upload never holds a segment back; a part that fails to store is skipped (logged),
 * and the next one is marked as a discontinuity.
 */
export class LiveParts {
  private parts: TLivePart[] = [];
  private ended = false;
  /** A part was lost since the last stored one: the next one does not follow without a gap. */
  private gap = false;
  private queue: Promise<void>;

  constructor(private o: TLivePartsOptions) {
    this.queue = this.load();
  }

  /** A new ffmpeg run begins at `start` (session seconds); its first part is a discontinuity unless it is the first run. */
  beginRun(start: number, discontinuity: boolean): TPartRun {
    return { start, elapsed: 0, first: true, discontinuity };
  }

  /** A closed part of `run` (file on disk; `listedDuration` 0 when unknown): stored, listed, deleted locally. */
  add(run: TPartRun, file: string, listedDuration: number): void {
    this.enqueue(async () => {
      const duration = listedDuration > 0 ? listedDuration : await this.o.probeDuration(file);
      if (!(duration > 0) || !fs.existsSync(file)) {
        fs.rmSync(file, { force: true });
        return;
      }
      const start = run.start + run.elapsed;
      run.elapsed += duration;
      const discontinuity = (run.first && run.discontinuity) || this.gap;
      run.first = false;
      const seq = this.o.seq.get();
      const key = liveKeys.part(this.o.sessionId, seq, this.epoch);
      try {
        await this.o.store.put(key, file, { contentType: "video/mp2t" });
      } catch (err) {
        // Once per outage: a storage outage would otherwise log a line per second.
        if (!this.gap)
          this.o.log(`[${this.o.sessionId}] live part ${key} not stored (${(err as Error).message}); skipping`);
        this.gap = true;
        return;
      } finally {
        fs.rmSync(file, { force: true });
      }
      this.gap = false;
      this.o.seq.set(seq + 1);
      this.parts.push({ seq, key, start: round(start), duration: round(duration), discontinuity });
      await this.writeManifest();
    });
  }

  /** A segment ending at `end` is stored and announced: parts that end before `end - grace` go. */
  segmentStored(end: number): void {
    this.enqueue(() => this.dropWhere((p) => p.start + p.duration <= end - this.o.graceSeconds + 1e-6));
  }

  /**
   * The recording stopped: the manifest says `ended`, and after the grace every part (and the manifest) is
   * deleted. Resolves once the ended manifest is written.
   */
  end(): Promise<void> {
    this.enqueue(async () => {
      this.ended = true;
      await this.writeManifest();
    });
    const timer = setTimeout(() => this.enqueue(() => this.removeAll()), this.o.endGraceSeconds * 1000);
    timer.unref();
    return this.idle();
  }

  /** The session is discarded: delete its parts and manifest now. */
  discard(): Promise<void> {
    this.enqueue(() => this.removeAll());
    return this.idle();
  }

  /** Resolves once everything handed over so far is stored (or skipped). */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(task: () => Promise<void>) {
    this.queue = this.queue
      .then(task)
      .catch((err) => this.o.log(`[${this.o.sessionId}] live parts: ${(err as Error).message}`));
  }

  private get epoch(): number {
    return this.o.epoch?.() ?? 0;
  }

  /**
   * Continues the manifest a previous recorder process left (a restart mid-session), or the one of the lease
   * before this one (a takeover: the former owner's parts stay listed and the numbering goes on).
   */
  private async load(): Promise<void> {
    const read = (epoch: number) => this.o.store.read(liveKeys.manifest(this.o.sessionId, epoch)).catch(() => null);
    const blob = (await read(this.epoch)) ?? (this.epoch > 0 ? await read(this.epoch - 1) : null);
    if (!blob) return;
    const chunks: Buffer[] = [];
    for await (const c of blob.stream) chunks.push(c as Buffer);
    let data: unknown;
    try {
      data = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return;
    }
    const parsed = ZLiveManifest.safeParse(data);
    if (!parsed.success || parsed.data.sessionId !== this.o.sessionId) return;
    this.parts = parsed.data.parts;
    const last = this.parts.at(-1);
    if (last && last.seq + 1 > this.o.seq.get()) this.o.seq.set(last.seq + 1);
  }

  private async dropWhere(old: (p: TLivePart) => boolean) {
    const gone = this.parts.filter(old);
    if (!gone.length) return;
    this.parts = this.parts.filter((p) => !old(p));
    // The manifest first, so a reader never finds a listed part missing.
    await this.writeManifest();
    await Promise.all(gone.map((p) => this.o.store.delete(p.key)));
  }

  private async removeAll() {
    const gone = this.parts;
    this.parts = [];
    await this.o.store.delete(liveKeys.manifest(this.o.sessionId, this.epoch));
    await Promise.all(gone.map((p) => this.o.store.delete(p.key)));
  }

  private async writeManifest() {
    const manifest: TLiveManifest = {
      sessionId: this.o.sessionId,
      updatedAt: new Date().toISOString(),
      targetDuration: Math.max(1, Math.ceil(Math.max(0, ...this.parts.map((p) => p.duration)))),
      parts: this.parts,
      ended: this.ended,
    };
    await this.o.store.put(liveKeys.manifest(this.o.sessionId, this.epoch), Buffer.from(JSON.stringify(manifest)), {
      contentType: "application/json",
    });
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
