import { defineSet } from "../generate/set";

/**
 * Excited moments no louder than the talk around them: only the keywords and the faster speech tell them
 * apart. The second crosses the 120-s segment boundary.
 */
export default defineSet("quiet-excited", "excited moments at the talk's loudness (keywords, speech rate)", [
  {
    name: "quiet-excited",
    seconds: 180,
    segmentSeconds: 60,
    events: [
      { at: 36, kind: "excited-quiet", variant: 0 },
      { at: 117, kind: "excited-quiet", variant: 1 },
      { at: 160, kind: "excited-quiet", variant: 2 },
    ],
    seed: 11,
  },
]);
