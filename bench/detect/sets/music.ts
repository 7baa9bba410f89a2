import { defineSet } from "../generate/set";

/** Talk over a music bed (12 dB under the talk, never stopping): the loudness baseline includes the music. */
export default defineSet("music", "calm talk over background music, two shouted moments", [
  {
    name: "music",
    seconds: 150,
    segmentSeconds: 60,
    events: [
      { at: 42, kind: "shout", variant: 2 },
      { at: 110, kind: "shout", variant: 0 },
    ],
    musicDbBelowTalk: 12,
    seed: 5,
  },
]);
