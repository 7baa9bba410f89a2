import os from "node:os";
import { StreamingDecoder } from "./streaming-decoder";

/**
 * Long-lived decoders (streaming-decoder.ts) shared by every transcription and keyword-spotting call of this
 * process, per set of decoder flags: up to one per core for each set, started on demand and stopped after
 * IDLE_MS without work. The flags name everything the decoder loads (search settings; the keyphrase list and
 * its dictionary), so pieces with the same flags can share a decoder whatever stream they come from.
 */

const IDLE_MS = 5 * 60_000;
/** Sets of flags kept at once (keyword lists differ per streamer): the least recently used set goes first. */
const MAX_SETS = 16;

type TSlot = { decoder: Promise<StreamingDecoder>; busy: number; lastUsed: number };

const sets = new Map<string, TSlot[]>();
let sweeper: NodeJS.Timeout | null = null;

function stopSlots(slots: TSlot[]) {
  for (const s of slots) s.decoder.then((d) => d.stop()).catch(() => undefined);
}

function sweep() {
  const now = Date.now();
  for (const [key, slots] of sets) {
    const keep = slots.filter((s) => s.busy > 0 || now - s.lastUsed < IDLE_MS);
    stopSlots(slots.filter((s) => !keep.includes(s)));
    if (keep.length) sets.set(key, keep);
    else sets.delete(key);
  }
  if (!sets.size && sweeper) {
    clearInterval(sweeper);
    sweeper = null;
  }
}

const keyOf = (bin: string, flags: string[]) => JSON.stringify([bin, flags]);

/** A free decoder for the flags, a new one while fewer than `max` run, else the least busy one. */
function slotFor(bin: string, flags: string[], max: number): TSlot {
  const key = keyOf(bin, flags);
  const slots = sets.get(key) ?? [];
  sets.delete(key);
  sets.set(key, slots); // most recently used last
  while (sets.size > MAX_SETS) {
    const [oldest, old] = sets.entries().next().value!;
    stopSlots(old);
    sets.delete(oldest);
  }
  sweeper ??= setInterval(sweep, 30_000).unref();
  const idle = slots.find((s) => s.busy === 0);
  if (idle) return idle;
  if (slots.length < max) {
    const slot: TSlot = { decoder: StreamingDecoder.start(bin, flags), busy: 0, lastUsed: Date.now() };
    slots.push(slot);
    return slot;
  }
  return slots.reduce((a, b) => (b.busy < a.busy ? b : a));
}

function drop(bin: string, flags: string[], slot: TSlot) {
  const key = keyOf(bin, flags);
  const rest = (sets.get(key) ?? []).filter((s) => s !== slot);
  if (rest.length) sets.set(key, rest);
  else sets.delete(key);
  stopSlots([slot]);
}

/**
 * Decodes raw 16 kHz mono s16le audio with a pooled decoder for `flags`: what it printed and the piece's start
 * on that decoder's clock. A decoder past its lifetime is replaced; one that fails is dropped from the pool
 * (the next call starts another) and the call fails.
 */
export async function decodePooled(
  bin: string,
  flags: string[],
  pcm: Buffer,
  max = os.cpus().length,
): Promise<{ stdout: string; base: number }> {
  for (let attempt = 0; ; attempt++) {
    const slot = slotFor(bin, flags, max);
    slot.busy++;
    try {
      const decoder = await slot.decoder;
      if (!decoder.alive && attempt === 0) {
        drop(bin, flags, slot);
        continue;
      }
      return await decoder.decode(pcm);
    } catch (e) {
      drop(bin, flags, slot);
      throw e;
    } finally {
      slot.busy--;
      slot.lastUsed = Date.now();
    }
  }
}

/** Stops every pooled decoder (tests, shutdown). */
export function stopDecoderPool(): void {
  for (const slots of sets.values()) stopSlots(slots);
  sets.clear();
}
