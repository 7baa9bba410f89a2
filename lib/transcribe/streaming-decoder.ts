import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SPEECH_RATE } from "@/lib/media/wav";

/**
 * A long-lived `pocketsphinx_continuous` that decodes one piece of audio after another, so the acoustic model
 * and the dictionary are loaded once instead of for every 5-s live chunk (loading was 43 % of a chunk's
 * decoding CPU, bench live-concurrency `live-chunk-cpu`; decision 017).
 *
 * The audio goes through a named pipe (Node's own stdio pipes are sockets, which the decoder cannot open as a
 * file). Each piece is raw 16 kHz mono s16le audio followed by near-silence (faint fixed noise: digital zeros
 * would skew the decoder's running normalisation), in which the voice activity detection ends any utterance and
 * prints it; word times count from the decoder's start, so each piece's start is subtracted. Pieces are padded
 * to whole reads and frames (BLOCK_BYTES). A piece is done when the decoder waits for input again (Linux:
 * blocked reading the pipe, per /proc/<pid>/wchan), by which time it has printed and flushed all of it.
 */

/** Near-silence after each piece: the detector ends an utterance after 0.5 s of it (`-vad_postspeech 50`). */
const PAD_SECONDS = 1;
/**
 * Pieces are padded to a multiple of 10,240 samples: whole 2048-sample reads (the block the decoder reads
 * with, continuous.c) and whole 10-ms frames (160 samples), so each piece starts on a frame and its word
 * times, printed to the frame, subtract exactly. 2 bytes a sample.
 */
const BLOCK_BYTES = 10_240 * 2;
/** ±4 LSB of noise, the same every time (a fixed xorshift sequence), so a piece decodes repeatably. */
const NOISE = (() => {
  const out = new Int16Array(PAD_SECONDS * SPEECH_RATE + BLOCK_BYTES / 2);
  let x = 2463534242;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = ((x >>> 0) % 9) - 4;
  }
  return Buffer.from(out.buffer);
})();
const POLL_MS = 5;
/** A decoder that takes this long to get through one piece (or to start) is stuck: it is killed. */
const PIECE_TIMEOUT_MS = 120_000;
/** Loading the models takes about a second; a decoder not waiting for audio by then never will (no wchan). */
const START_TIMEOUT_MS = 20_000;
/** Decoders are replaced after this much audio, bounding what a long-lived process can accumulate. */
const MAX_AUDIO_SECONDS = 4 * 3600;

let support: Promise<boolean> | null = null;
/**
 * Whether this system shows a process blocked on a pipe in /proc/<pid>/wchan (Linux with kernel symbols; not
 * every sandbox): a `cat` reading an empty named pipe is looked at for up to 2 s. Asked once per process.
 */
export function streamingSupported(): Promise<boolean> {
  support ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clipstream-wchan-"));
    const fifo = path.join(dir, "probe");
    try {
      execFileSync("mkfifo", [fifo]);
      const cat = spawn("cat", [fifo], { stdio: "ignore" });
      const writer = fs.createWriteStream(fifo);
      await new Promise<void>((r) => writer.once("ready", () => r()));
      try {
        for (const deadline = Date.now() + 2000; Date.now() < deadline;) {
          if (waitsOnPipe(cat.pid!)) return true;
          await new Promise((r) => setTimeout(r, 20));
        }
        return false;
      } finally {
        writer.destroy();
        cat.kill("SIGKILL");
      }
    } catch {
      return false;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  })();
  return support;
}

/** True when /proc says the process is blocked reading a pipe (its audio: it reads nothing else after start). */
function waitsOnPipe(pid: number): boolean {
  try {
    return /pipe_read|pipe_wait/.test(fs.readFileSync(`/proc/${pid}/wchan`, "utf8"));
  } catch {
    return false;
  }
}

export class StreamingDecoder {
  private stdout = "";
  private fedSamples = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private exited = false;

  private constructor(
    private readonly proc: ChildProcess,
    private readonly audio: fs.WriteStream,
    private readonly dir: string,
  ) {
    proc.stdout!.setEncoding("utf8");
    proc.stdout!.on("data", (d: string) => (this.stdout += d));
    audio.on("error", () => {}); // an exit mid-write surfaces through `exited`
    proc.on("exit", () => this.cleanUp());
  }

  /** Starts a decoder with the given flags; resolves once it has loaded its models and waits for audio. */
  static async start(bin: string, flags: string[]): Promise<StreamingDecoder> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clipstream-decoder-"));
    const fifo = path.join(dir, "audio");
    execFileSync("mkfifo", [fifo]);
    const proc = spawn(bin, [...flags, "-infile", fifo, "-time", "yes", "-logfn", "/dev/null"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    // Opening a named pipe for writing waits for its reader: the decoder opens it once its models are loaded.
    const audio = fs.createWriteStream(fifo);
    const d = new StreamingDecoder(proc, audio, dir);
    await new Promise<void>((resolve, reject) => {
      audio.once("ready", resolve);
      proc.once("error", reject);
      proc.once("exit", () => reject(new Error("the decoder exited while starting")));
    });
    await d.untilWaiting(START_TIMEOUT_MS);
    return d;
  }

  get alive(): boolean {
    return !this.exited && this.fedSamples / SPEECH_RATE < MAX_AUDIO_SECONDS;
  }

  /**
   * Decodes one piece; resolves with what the decoder printed for it and the piece's start on the decoder's
   * clock (seconds since it started), which its word times count from. Pieces are decoded one at a time.
   */
  decode(pcm: Buffer): Promise<{ stdout: string; base: number }> {
    const run = this.queue.then(() => this.decodeNow(pcm));
    this.queue = run.catch(() => undefined);
    return run;
  }

  stop(): void {
    this.proc.kill("SIGKILL");
    this.cleanUp();
  }

  private cleanUp(): void {
    if (this.exited) return;
    this.exited = true;
    this.audio.destroy();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async decodeNow(pcm: Buffer): Promise<{ stdout: string; base: number }> {
    if (this.exited) throw new Error("the decoder has exited");
    const samples = Math.floor(pcm.length / 2);
    const padded = Math.ceil((samples * 2 + PAD_SECONDS * SPEECH_RATE * 2) / BLOCK_BYTES) * BLOCK_BYTES;
    const piece = Buffer.alloc(padded);
    pcm.copy(piece, 0, 0, samples * 2);
    NOISE.copy(piece, samples * 2, 0, padded - samples * 2);
    const base = this.fedSamples / SPEECH_RATE;
    this.fedSamples += padded / 2;
    this.stdout = "";
    await new Promise<void>((resolve, reject) => this.audio.write(piece, (e) => (e ? reject(e) : resolve())));
    await this.untilWaiting();
    const stdout = this.stdout;
    this.stdout = "";
    return { stdout, base };
  }

  /** Resolves when the decoder is blocked on its empty audio pipe, and its output so far has been read. */
  private async untilWaiting(timeoutMs = PIECE_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!waitsOnPipe(this.proc.pid!)) {
      if (this.exited) throw new Error("the decoder exited");
      if (Date.now() > deadline) {
        this.stop();
        throw new Error("the decoder did not get through its audio in time");
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    // What it printed before blocking is in the stdout pipe: one more turn of the event loop reads it.
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
