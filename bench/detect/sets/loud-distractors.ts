import { defineSet } from "../generate/set";

/** Sounds as loud as a shout that are not highlights: a door slam, a jingle, a cough; and two real moments. */
export default defineSet("loud-distractors", "door slam, jingle and cough as loud as a shout, two shouted moments", [
  {
    name: "loud-distractors",
    seconds: 180,
    segmentSeconds: 60,
    events: [
      { at: 20, kind: "door" },
      { at: 48, kind: "jingle" },
      { at: 74, kind: "shout", variant: 1 },
      { at: 108, kind: "cough" },
      { at: 134, kind: "shout", variant: 2 },
      { at: 165, kind: "door" },
    ],
    seed: 7,
  },
]);
