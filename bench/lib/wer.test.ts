import { describe, expect, it } from "vitest";
import { alignWords, normWords, transcriptQuality } from "./wer";

describe("word error rate", () => {
  it("normalises words like the decoder spells them", () => {
    expect(normWords("Oh my god! Let's go, that’s it.")).toEqual(["oh", "my", "god", "lets", "go", "thats", "it"]);
  });

  it("counts substitutions, deletions and insertions", () => {
    const a = alignWords(["a", "b", "c", "d"], ["a", "x", "c", "d", "e"]);
    expect({ subs: a.subs, dels: a.dels, ins: a.ins }).toEqual({ subs: 1, dels: 0, ins: 1 });
    expect(a.matches).toEqual([
      [0, 0],
      [2, 2],
      [3, 3],
    ]);
    expect(alignWords(["a", "b"], []).dels).toBe(2);
  });

  it("checks word times against the script lines", () => {
    const script = [
      { start: 0, end: 2, text: "hello there" },
      { start: 10, end: 12, text: "good bye" },
    ];
    const words = [
      { w: "hello", s: 0.1, e: 0.5 },
      { w: "there", s: 0.6, e: 1.0 },
      { w: "good", s: 3.0, e: 3.4 }, // recognised but timed outside its line
      { w: "bye", s: 11, e: 11.5 },
    ];
    const q = transcriptQuality(script, words);
    expect(q).toEqual({ refWords: 4, hypWords: 4, wer: 0, correct: 4, timedInLine: 0.75 });
  });
});
