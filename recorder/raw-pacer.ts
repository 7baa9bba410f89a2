import { PassThrough } from "node:stream";
import { BUFFER_BYTES, type TRawFormat } from "./frame-source";

export type TRawPacerOptions = {
  /** Video bytes waiting for the encoder beyond which ticks are skipped (video and audio alike). */
  maxBacklogBytes?: number;
  /** Audio held back before it is played out, so network jitter does not turn into gaps: ticks' worth. */
  jitterTicks?: number;
  /** Audio queued beyond this many ticks' worth is dropped (oldest first): the room's audio ran ahead. */
  maxQueueTicks?: number;
};

/**
 * Turns frames that arrive whenever the network delivers them (a LiveKit room) into the constant-rate raw
 * streams the segmenter's inputs declare. Every tick of wall time since the first video frame writes one
 * video frame (the latest received: repeated while the publisher stalls, skipped when it sends faster) and
 * exactly one tick's worth of audio, so both inputs stay in step whatever the network does: the room's
 * audio is queued (played out once `jitterTicks` are buffered; silence fills underruns, a muted or missing
 * audio track, and the time before one shows up). Several audio tracks (a room with more than one speaker)
 * are queued apart, each with its own jitter buffer, and summed tick by tick. When the encoder falls behind (more than
 * `maxBacklogBytes` of video waiting), ticks are skipped whole (`skippedTicks`) instead of buffering
 * without bound. A frame of another size ends the streams (`ended` says why): the recorder starts a new run.
 */
export class RawPacer {
  readonly video = new PassThrough({ highWaterMark: BUFFER_BYTES });
  readonly audio = new PassThrough({ highWaterMark: BUFFER_BYTES });
  format: TRawFormat | null = null;
  ended: string | null = null;
  skippedTicks = 0;
  private latest: Buffer | null = null;
  private startedAt = 0;
  private ticks = 0;
  /** Audio per track (one for pump.fun rooms; one per speaker in a room with several). */
  private tracks = new Map<string, PcmQueue>();
  private readonly bytesPerSample: number;
  private readonly maxBacklogBytes: number;
  private readonly jitterTicks: number;
  private readonly maxQueueTicks: number;

  constructor(
    private fps: number,
    private sampleRate: number,
    private channels: number,
    private onFormat: (f: TRawFormat) => void = () => {},
    opts: TRawPacerOptions = {},
  ) {
    this.bytesPerSample = channels * 2;
    this.maxBacklogBytes = opts.maxBacklogBytes ?? BUFFER_BYTES;
    this.jitterTicks = opts.jitterTicks ?? 3;
    this.maxQueueTicks = opts.maxQueueTicks ?? 15;
  }

  /** One I420 frame (width × height × 1.5 bytes). */
  videoFrame(i420: Buffer, width: number, height: number, now = Date.now()) {
    if (this.ended) return;
    if (!this.format) {
      this.format = { width, height, fps: this.fps, sampleRate: this.sampleRate, channels: this.channels };
      this.startedAt = now;
      this.onFormat(this.format);
    } else if (width !== this.format.width || height !== this.format.height) {
      return this.end(`resolution changed to ${width}x${height}`);
    }
    this.latest = i420;
  }

  /**
   * Interleaved s16le PCM at the pacer's rate and channel count, of audio track `track`; dropped until the
   * first video frame.
   */
  audioFrame(pcm: Buffer, track = "") {
    if (!this.format || this.ended) return;
    let q = this.tracks.get(track);
    if (!q) this.tracks.set(track, (q = new PcmQueue()));
    q.push(pcm);
    const max = this.tickBytes(0) * this.maxQueueTicks;
    if (q.queued > max) q.take(q.queued - max - ((q.queued - max) % this.bytesPerSample));
  }

  /** An audio track is gone (unpublished, participant left): its queue stops taking part in the mix. */
  audioEnded(track = "") {
    this.tracks.delete(track);
  }

  tick(now = Date.now()) {
    if (!this.latest || this.ended) return;
    const due = Math.floor(((now - this.startedAt) * this.fps) / 1000) + 1;
    for (; this.ticks < due; this.ticks++) {
      const bytes = this.tickBytes(this.ticks);
      if (this.video.writableLength + this.video.readableLength >= this.maxBacklogBytes) {
        this.skippedTicks++;
        for (const q of this.tracks.values()) q.take(Math.min(bytes, q.queued)); // that tick's audio goes with its frame
        continue;
      }
      this.video.write(this.latest);
      this.audio.write(this.audioFor(bytes));
    }
  }

  end(reason: string) {
    if (this.ended) return;
    this.ended = reason;
    this.video.end();
    this.audio.end();
  }

  /** Bytes of audio for tick `n`: whole samples, summing exactly to the sample rate over a second. */
  private tickBytes(n: number) {
    const samples = Math.floor(((n + 1) * this.sampleRate) / this.fps) - Math.floor((n * this.sampleRate) / this.fps);
    return samples * this.bytesPerSample;
  }

  /** One tick of audio: the one track's, or every track's summed (clipped to 16 bits); silence without any. */
  private audioFor(bytes: number): Buffer {
    const parts = [...this.tracks.values()].map((q) => this.trackAudio(q, bytes));
    if (parts.length === 0) return Buffer.alloc(bytes);
    if (parts.length === 1) return parts[0];
    const out = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i += 2) {
      let sum = 0;
      for (const p of parts) sum += p.readInt16LE(i);
      out.writeInt16LE(Math.max(-32768, Math.min(32767, sum)), i);
    }
    return out;
  }

  private trackAudio(q: PcmQueue, bytes: number): Buffer {
    if (!q.primed && q.queued >= this.tickBytes(0) * this.jitterTicks) q.primed = true;
    if (!q.primed) return Buffer.alloc(bytes);
    const got = q.take(Math.min(bytes, q.queued));
    if (got.length === bytes) return got;
    q.primed = false; // underrun: fill with silence and buffer up again
    return Buffer.concat([got, Buffer.alloc(bytes - got.length)]);
  }
}

/** One audio track's PCM waiting to be played out. */
class PcmQueue {
  private queue: Buffer[] = [];
  queued = 0;
  /** Played out (its jitter buffer filled); false again after an underrun. */
  primed = false;

  push(pcm: Buffer) {
    this.queue.push(pcm);
    this.queued += pcm.length;
  }

  /** Removes `bytes` from the front of the queue. */
  take(bytes: number): Buffer {
    const out: Buffer[] = [];
    let left = bytes;
    while (left > 0 && this.queue.length) {
      const head = this.queue[0];
      if (head.length <= left) {
        out.push(head);
        this.queue.shift();
        left -= head.length;
      } else {
        out.push(head.subarray(0, left));
        this.queue[0] = head.subarray(left);
        left = 0;
      }
    }
    this.queued -= bytes - left;
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }
}
