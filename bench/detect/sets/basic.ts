import { defineSet } from "../generate/set";

/** The original set: one shouted moment per minute-long recording, one across the 30-s segment boundary. */
export default defineSet(
  "basic",
  "one shouted moment in a minute of calm talk; at 27 s it crosses the 30-s segment boundary",
  [
    [8, 0],
    [27, 2],
    [50, 4],
  ].map(([at, i]) => ({
    name: `basic-${at}`,
    seconds: 60,
    segmentSeconds: 30,
    events: [{ at, kind: "shout" as const, variant: i }],
    seed: i,
  })),
);
