import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ZStartRecording } from "@/lib/recorder/protocol";

/** Persisted per session (spool/sessions/<id>/state.json), so a restarted recorder continues where it was. */
export const ZSpoolState = z.object({
  req: ZStartRecording,
  /** Wall-clock ms when the session's recording began: stream time 0. */
  startedAt: z.number(),
  /** Next segment number to hand out. Only ever grows, so a number is never reused. */
  nextNumber: z.number().int().min(0),
  /** Segments announced so far (`segments` of session.ended). */
  segments: z.number().int().min(0),
  /** End of the last announced segment, in stream seconds. */
  lastEnd: z.number().min(0),
  /** ffmpeg runs started so far (one per connection to the source); names the run directories. */
  runs: z.number().int().min(0),
  /** The source turned out to have no audio: no audio chunks for this session (ffmpeg refuses an empty output). */
  noAudio: z.boolean().optional(),
  /** Number of the next live part (liveKeys.part): grows by one per stored part across runs and restarts. */
  nextPartSeq: z.number().int().min(0).optional(),
  /** The lease epoch this recorder holds the session at (0: no lease). Carried by every announcement. */
  epoch: z.number().int().min(0).optional(),
  /** Taken over from another recorder (or restarted without a spool): stream time continues from the wall clock. */
  resumed: z.boolean().optional(),
});
export type TSpoolState = z.infer<typeof ZSpoolState>;

const STATE_FILE = "state.json";

/**
 * The state saved in a session directory; null when there is none. A file that is not valid JSON or not a
 * session state throws, naming the file and what is wrong with it.
 */
export function readSpoolState(dir: string): TSpoolState | null {
  const file = path.join(dir, STATE_FILE);
  if (!fs.existsSync(file)) return null;
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`corrupt session state ${file}: ${(err as Error).message}`);
  }
  const parsed = ZSpoolState.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
    throw new Error(`corrupt session state ${file}: ${issues.join("; ")}`);
  }
  return parsed.data;
}

/** Replaces the session directory's state atomically (write beside, then rename). */
export function writeSpoolState(dir: string, state: TSpoolState): void {
  const file = path.join(dir, STATE_FILE);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
  fs.renameSync(`${file}.tmp`, file);
}
