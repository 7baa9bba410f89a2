import fs from "node:fs/promises";

/**
 * 16-bit PCM WAV files as ffmpeg writes them for the speech engines (16 kHz mono s16le): locate the samples,
 * write a plain header, cut a time range without decoding anything.
 */

export const SPEECH_RATE = 16000;

/** The PCM data of a WAV file (ffmpeg may put a LIST chunk before `data`). */
export function pcmData(buf: Buffer): Buffer {
  let off = 12;
  while (off + 8 <= buf.length) {
    const id = buf.toString("ascii", off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    // A WAV still being written (or from a killed writer) has size 0 or too large: take what is there.
    if (id === "data") return buf.subarray(off + 8, size > 0 ? Math.min(buf.length, off + 8 + size) : buf.length);
    off += 8 + size + (size % 2);
  }
  throw new Error("WAV file has no data chunk");
}

/** A 44-byte-header mono 16-bit WAV around `pcm`. */
export function wavFile(pcm: Buffer, rate = SPEECH_RATE): Buffer {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(36 + pcm.length, 4);
  h.write("WAVEfmt ", 8, "ascii");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([h, pcm]);
}

/** True for a plain 16 kHz mono 16-bit PCM WAV (what extract-audio writes), which needs no re-encoding. */
export function isSpeechWav(buf: Buffer): boolean {
  if (buf.length < 44 || buf.toString("ascii", 0, 4) !== "RIFF" || buf.toString("ascii", 8, 12) !== "WAVE")
    return false;
  let off = 12;
  while (off + 8 <= buf.length) {
    const id = buf.toString("ascii", off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === "fmt ") {
      return (
        buf.readUInt16LE(off + 8) === 1 &&
        buf.readUInt16LE(off + 10) === 1 &&
        buf.readUInt32LE(off + 12) === SPEECH_RATE &&
        buf.readUInt16LE(off + 22) === 16
      );
    }
    off += 8 + size + (size % 2);
  }
  return false;
}

/** Writes seconds [from, to) of a speech WAV (see isSpeechWav) to `dest`; returns the seconds written. */
export async function writeWavSlice(src: string | Buffer, dest: string, from: number, to: number): Promise<number> {
  const buf = typeof src === "string" ? await fs.readFile(src) : src;
  if (!isSpeechWav(buf)) throw new Error("not a 16 kHz mono 16-bit WAV");
  const pcm = pcmData(buf);
  const a = Math.min(pcm.length, Math.max(0, Math.round(from * SPEECH_RATE) * 2));
  const b = Math.min(pcm.length, Math.max(a, Math.round(to * SPEECH_RATE) * 2));
  await fs.writeFile(dest, wavFile(pcm.subarray(a, b)));
  return (b - a) / 2 / SPEECH_RATE;
}
