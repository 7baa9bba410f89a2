import { defineSet } from "../generate/set";

/**
 * Moments cut by the live edge's 5-s chunks and by 30-s segments: across a segment (and chunk) boundary at
 * 30 and 120 s, across chunk boundaries only at 65 and 155 s.
 */
export default defineSet("boundaries", "shouted moments across 5-s chunk and 30-s segment boundaries", [
  {
    name: "boundaries",
    seconds: 180,
    segmentSeconds: 30,
    events: [
      { at: 27.5, kind: "shout", variant: 0 },
      { at: 62.5, kind: "shout", variant: 1 },
      { at: 117, kind: "shout", variant: 2 },
      { at: 152.5, kind: "shout", variant: 0 },
    ],
    seed: 13,
  },
]);
