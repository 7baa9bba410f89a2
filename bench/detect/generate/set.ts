import fs from "node:fs/promises";
import path from "node:path";
import type { TActivitySecond } from "@/lib/detect";
import { composeRecording, type TComposed, type TEvent, type TSpan } from "./compose";

/**
 * A labelled set of bench:detect: one module per set in bench/detect/sets/, each default-exporting a
 * `TBenchSet` (loadSets finds them all, so a new set is a new file and nothing else changes).
 */

export type TBenchRecording = TComposed & {
  name: string;
  /** 16 kHz mono WAV of the whole recording. */
  wav: string;
  seconds: number;
  /** The recorder's segment length for this recording (the live edge's chunks are CHUNK_SECONDS). */
  segmentSeconds: number;
  /**
   * A pump.fun coin's per-second activity beside the audio (decision 024), on the recording's clock; detection
   * reads it as the pipeline does (session.ts). Absent for other streams.
   */
  activity?: TActivitySecond[];
};

export type TBenchSet = {
  name: string;
  /** What the set tests, one sentence. */
  about: string;
  /** Generates the set's recordings into `dir` (scratch files in `tmp`). */
  make(dir: string, tmp: string): Promise<TBenchRecording[]>;
};

export type TRecordingSpec = {
  name: string;
  seconds: number;
  segmentSeconds: number;
  events: TEvent[];
  musicDbBelowTalk?: number;
  /** Dead air: spans without talk. */
  quiet?: TSpan[];
  seed: number;
};

/** Composes a recording from its spec into `dir`/<name>.wav. */
export async function makeRecording(dir: string, tmp: string, spec: TRecordingSpec): Promise<TBenchRecording> {
  const wav = path.join(dir, `${spec.name}.wav`);
  await fs.mkdir(dir, { recursive: true });
  const composed = await composeRecording({ ...spec, file: wav, tmp });
  return { ...composed, name: spec.name, wav, seconds: spec.seconds, segmentSeconds: spec.segmentSeconds };
}

/** A set whose recordings are fixed specs. */
export function defineSet(name: string, about: string, specs: TRecordingSpec[]): TBenchSet {
  return {
    name,
    about,
    make: async (dir, tmp) => {
      const out: TBenchRecording[] = [];
      for (const s of specs) out.push(await makeRecording(dir, tmp, s));
      return out;
    },
  };
}

const SETS_DIR = path.join(import.meta.dirname, "..", "sets");

/** Every set module in bench/detect/sets/, by file name; `only` picks some by set name. */
export async function loadSets(only?: string[]): Promise<TBenchSet[]> {
  const files = (await fs.readdir(SETS_DIR)).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).sort();
  const sets: TBenchSet[] = [];
  for (const f of files) {
    const mod = (await import(path.join(SETS_DIR, f))) as { default: TBenchSet };
    if (!only?.length || only.includes(mod.default.name)) sets.push(mod.default);
  }
  return sets;
}
