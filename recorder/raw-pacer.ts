import { PassThrough } from "node:stream";
import { BUFFER_BYTES, type TRawFormat } from "./frame-source";

/**
 * Turns frames that arrive whenever the network delivers them (a LiveKit room) into the constant-rate raw
 * streams the segmenter's input declares: `tick(now)` writes as many video frames as wall time since the
 * first frame asks for, each the latest frame received (repeated while the publisher stalls, skipped when it
 * sends faster), plus matching silence while there is no audio track. Audio is passed through as it arrives.
 * A frame of another size ends the streams (`ended` says why): the recorder then starts a new run.
 */
export class RawPacer {
  readonly video = new PassThrough({ highWaterMark: BUFFER_BYTES });
  readonly audio = new PassThrough({ highWaterMark: BUFFER_BYTES });
  format: TRawFormat | null = null;
  ended: string | null = null;
  hasAudio = false;
  private latest: Buffer | null = null;
  private startedAt = 0;
  private ticks = 0;
  private silence: Buffer;

  constructor(
    private fps: number,
    private sampleRate: number,
    private channels: number,
    private onFormat: (f: TRawFormat) => void = () => {},
  ) {
    this.silence = Buffer.alloc(Math.round(sampleRate / fps) * channels * 2);
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

  /** Interleaved s16le PCM at the pacer's rate and channel count; dropped until the first video frame. */
  audioFrame(pcm: Buffer) {
    this.hasAudio = true;
    if (this.format && !this.ended) this.audio.write(pcm);
  }

  tick(now = Date.now()) {
    if (!this.latest || this.ended) return;
    const due = Math.floor(((now - this.startedAt) * this.fps) / 1000) + 1;
    for (; this.ticks < due; this.ticks++) {
      this.video.write(this.latest);
      if (!this.hasAudio) this.audio.write(this.silence);
    }
  }

  end(reason: string) {
    if (this.ended) return;
    this.ended = reason;
    this.video.end();
    this.audio.end();
  }
}
