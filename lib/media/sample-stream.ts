import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { env } from "@/lib/env";
import { runTool } from "./run";
import { wavFile } from "./wav";

/**
 * A synthetic "live stream" for tests, the demo streamer and benchmarks: a testsrc2 picture with a burnt-in
 * clock, calm espeak-ng narration, and at `excitedAt` one loud, excited passage with crowd-like noise under it.
 * Deterministic (fixed sentence order, fixed noise seeds) and fast: the speech track is laid out in memory from
 * one espeak-ng call per sentence, then a single ffmpeg run mixes in the noise and encodes.
 */

const CALM = [
  "Welcome back everyone, today we are trying the hard route again.",
  "I think the trick is to wait for the second platform before jumping.",
  "Thanks for the follow, it really means a lot to the channel.",
  "Let me check the map for a moment, the exit should be on the left side.",
  "We have about half of our health left, so I will play it safe here.",
  "Somebody in chat asked about the settings, I use the default controls.",
  "The music in this level is really relaxing, I like it a lot.",
  "Okay, careful now, this part has a lot of small enemies.",
  "I usually stream three times a week, mostly in the evening.",
  "If we collect all the coins we unlock a secret room later.",
  "That was close, but we are still fine, let us keep moving.",
  "My plan is to finish this chapter before the break.",
];
const EXCITED = "Oh my god! No way! No way! Let's go! Let's go! That was insane! Oh my god, that was huge!";

const SPEECH_RATE = 22050; // espeak-ng's native output rate
const CALM_GAIN = 0.45; // ≈ -27 LUFS: ordinary talking
const EXCITED_GAIN = 1.4; // with espeak's own amplitude 200: ≈ +13 LU over the calm speech

export type TSampleStreamOptions = { out: string; seconds?: number; excitedAt?: number; fps?: number; size?: string };
/** What is said when (seconds from the start): the reference for transcription checks. */
export type TScriptLine = { start: number; end: number; text: string };
export type TSampleStream = { excitedStart: number; excitedEnd: number; duration: number; script: TScriptLine[] };

/** espeak-ng → mono float samples at 22050 Hz. */
async function speak(dir: string, name: string, text: string, voiceArgs: string[]): Promise<Float32Array> {
  const file = path.join(dir, `${name}.wav`);
  await runTool("espeak-ng", ["-v", "en-us", ...voiceArgs, "-w", file, text]);
  return readWavMono16(await fs.readFile(file));
}

/** Minimal RIFF reader for espeak-ng's 16-bit mono PCM output. */
function readWavMono16(buf: Buffer): Float32Array {
  let off = 12;
  while (off + 8 <= buf.length) {
    const id = buf.toString("ascii", off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === "fmt ") {
      const channels = buf.readUInt16LE(off + 10);
      const rate = buf.readUInt32LE(off + 12);
      const bits = buf.readUInt16LE(off + 22);
      if (channels !== 1 || bits !== 16 || rate !== SPEECH_RATE)
        throw new Error(`unexpected espeak-ng WAV: ${channels}ch ${bits}bit ${rate}Hz`);
    }
    if (id === "data") {
      // espeak-ng writing to a file may leave the size field as 0x7fffffff; trust the buffer length instead.
      const end = Math.min(buf.length, off + 8 + size);
      const n = Math.floor((end - off - 8) / 2);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = buf.readInt16LE(off + 8 + i * 2) / 32768;
      return out;
    }
    off += 8 + size + (size % 2);
  }
  throw new Error("espeak-ng WAV has no data chunk");
}

function writeWavMono16(samples: Float32Array, rate: number): Buffer {
  const pcm = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    // Soft clip (tanh) so the loud passage saturates like a hot microphone instead of wrapping.
    const v = Math.tanh(samples[i]);
    pcm.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v)) * 32767), i * 2);
  }
  return wavFile(pcm, rate);
}

export async function makeSampleStream(opts: TSampleStreamOptions): Promise<TSampleStream> {
  const seconds = opts.seconds ?? 60;
  const excitedAt = opts.excitedAt ?? 35;
  const fps = opts.fps ?? 15;
  const size = opts.size ?? "640x360";
  if (!/^\d+x\d+$/.test(size)) throw new Error(`size must look like 640x360, got ${size}`);
  if (!(excitedAt >= 0 && excitedAt + 8 <= seconds))
    throw new Error(`excitedAt (${excitedAt}) must leave at least 8 s before the end (${seconds})`);

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "clipstream-sample-"));
  try {
    const calm = await Promise.all(
      CALM.map((s, i) => speak(dir, `calm${i}`, s, ["-s", "165", "-p", "45", "-a", "100"])),
    );
    const excited = await speak(dir, "excited", EXCITED, ["-s", "200", "-p", "80", "-a", "200"]);

    const track = new Float32Array(Math.ceil(seconds * SPEECH_RATE));
    const script: TScriptLine[] = [];
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const place = (clip: Float32Array, at: number, gain: number, text: string) => {
      script.push({ start: r3(at), end: r3(at + clip.length / SPEECH_RATE), text });
      const from = Math.round(at * SPEECH_RATE);
      for (let i = 0; i < clip.length && from + i < track.length; i++) track[from + i] += clip[i] * gain;
    };
    // Calm sentences fill [0.5, excitedAt - 0.6] and [excitedEnd + 1, seconds - 0.3], cycling through the
    // list with varied pauses (0.6–1.2 s, a fixed pattern) so silencedetect finds sentence boundaries.
    const excitedStart = excitedAt;
    const excitedEnd = Math.round((excitedAt + excited.length / SPEECH_RATE) * 1000) / 1000;
    let n = 0;
    const fill = (from: number, to: number) => {
      let t = from;
      for (let tries = 0; tries < CALM.length;) {
        const clip = calm[n % CALM.length];
        const d = clip.length / SPEECH_RATE;
        if (t + d > to) {
          tries++; // this sentence does not fit: try a shorter one
          n++;
          continue;
        }
        place(clip, t, CALM_GAIN, CALM[n % CALM.length]);
        t += d + 0.6 + ((n * 3) % 7) / 10;
        n++;
        tries = 0;
      }
    };
    fill(0.5, excitedAt - 0.6);
    place(excited, excitedAt, EXCITED_GAIN, EXCITED);
    fill(excitedEnd + 1, seconds - 0.3);
    const speechWav = path.join(dir, "speech.wav");
    await fs.writeFile(speechWav, writeWavMono16(track, SPEECH_RATE));

    // Crowd: pink noise band-limited to the voice range and wobbling (tremolo), loud only during the
    // excited passage (+0.5 s tail); a faint room-noise floor elsewhere so silence is not digital zero.
    const crowd =
      `anoisesrc=color=pink:sample_rate=48000:amplitude=1:seed=7:duration=${seconds},` +
      `highpass=f=300,lowpass=f=3000,tremolo=f=5:d=0.5,` +
      `volume='if(between(t,${excitedStart},${excitedEnd + 0.5}),0.8,0.03)':eval=frame`;
    const isTs = /\.(ts|m2ts)$/i.test(opts.out);
    await fs.mkdir(path.dirname(path.resolve(opts.out)), { recursive: true });
    await runTool(env.FFMPEG_PATH, [
      "-hide_banner",
      "-nostdin",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      `testsrc2=size=${size}:rate=${fps}:duration=${seconds}`,
      "-i",
      speechWav,
      "-f",
      "lavfi",
      "-i",
      crowd,
      "-filter_complex",
      `[0:v]drawtext=text='%{pts\\:hms}':x=16:y=16:fontsize=32:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=6[v];` +
        `[1:a]aresample=48000[s];[s][2:a]amix=inputs=2:normalize=0:duration=first,aformat=sample_rates=48000:channel_layouts=stereo[a]`,
      "-map",
      "[v]",
      "-map",
      "[a]",
      "-t",
      String(seconds),
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-pix_fmt",
      "yuv420p",
      // A keyframe every second exactly, so stream-copy segmenting cuts on whole seconds.
      "-g",
      String(fps),
      "-keyint_min",
      String(fps),
      "-sc_threshold",
      "0",
      "-c:a",
      "aac",
      "-b:a",
      "128k",
      "-ar",
      "48000",
      "-fflags",
      "+bitexact",
      "-flags:v",
      "+bitexact",
      "-flags:a",
      "+bitexact",
      ...(isTs ? ["-f", "mpegts"] : ["-movflags", "+faststart", "-f", "mp4"]),
      opts.out,
    ]);
    return { excitedStart, excitedEnd, duration: seconds, script };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
