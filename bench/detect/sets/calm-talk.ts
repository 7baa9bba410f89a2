import { defineSet } from "../generate/set";

/**
 * Issue 22's stream: six minutes of calm talk with three shouted moments, the second across a segment
 * boundary (60-s segments: 180 s). Every clip outside them is a false positive, the stream's opening included.
 */
export default defineSet("calm-talk", "6 min of calm talk, three shouted moments, one across a segment boundary", [
  {
    name: "calm-talk",
    seconds: 360,
    segmentSeconds: 60,
    events: [
      { at: 71, kind: "shout", variant: 0 },
      { at: 176.5, kind: "shout", variant: 1 },
      { at: 292, kind: "shout", variant: 2 },
    ],
    seed: 3,
  },
]);
