import fs from "node:fs";
import { describe, expect, it } from "vitest";
import {
  activeWord,
  CAPTION_FONTS,
  CAPTION_STYLE_IDS,
  CAPTION_STYLES,
  captionLines,
  isLit,
  timedWords,
  ZCaptionStyleId,
} from "./caption-styles";

/** unitsPerEm (head) and winAscent/winDescent (OS/2) read from an sfnt (TrueType or CFF OpenType) file. */
function sfntMetrics(file: string) {
  const b = fs.readFileSync(file);
  const tables: Record<string, number> = {};
  for (let i = 0; i < b.readUInt16BE(4); i++)
    tables[b.toString("latin1", 12 + i * 16, 16 + i * 16)] = b.readUInt32BE(20 + i * 16);
  return {
    unitsPerEm: b.readUInt16BE(tables.head + 18),
    winAscent: b.readUInt16BE(tables["OS/2"] + 74),
    winDescent: b.readUInt16BE(tables["OS/2"] + 76),
  };
}

describe("caption fonts", () => {
  it.each(Object.entries(CAPTION_FONTS))("%s: the installed file has the metrics the preview sizes by", (_id, f) => {
    const { unitsPerEm, winAscent, winDescent } = f;
    expect(sfntMetrics(f.file)).toEqual({ unitsPerEm, winAscent, winDescent });
  });

  it("scripts/ensure-system.sh installs every caption font's Debian package when its file is missing", () => {
    const script = fs.readFileSync("scripts/ensure-system.sh", "utf8");
    for (const f of Object.values(CAPTION_FONTS)) expect(script).toContain(`[ -f ${f.file} ] || need+=(${f.debian})`);
  });
});

describe("caption styles", () => {
  it("has at least four styles, each with its own font, colours and position settings", () => {
    expect(CAPTION_STYLE_IDS.length).toBeGreaterThanOrEqual(4);
    expect(CAPTION_STYLES.bold_pop).toMatchObject({
      upperCase: true,
      position: "bottom",
      highlight: { color: "#FFD400" },
    });
    expect(CAPTION_STYLES.top.position).toBe("top");
    expect(ZCaptionStyleId.safeParse("neon").success).toBe(false);
  });

  it("timedWords: the transcript's times one for one, upper-cased by the style", () => {
    const cue = {
      start: 1,
      end: 2,
      text: "straße is huge",
      words: [
        { w: "strasse", s: 1, e: 1.3 },
        { w: "is", s: 1.4, e: 1.5 },
        { w: "huge", s: 1.6, e: 2 },
      ],
    };
    expect(timedWords(cue, true)).toEqual([
      { text: "STRASSE", s: 1, e: 1.3 },
      { text: "IS", s: 1.4, e: 1.5 },
      { text: "HUGE", s: 1.6, e: 2 },
    ]);
    expect(timedWords(cue, false)[0].text).toBe("straße");
  });

  it("timedWords: an edited cue with other words shares its time out by word length (+1 for the space)", () => {
    expect(timedWords({ start: 0, end: 1.2, text: "ab abcd  a" }, false)).toEqual([
      { text: "ab", s: 0, e: 0.36 },
      { text: "abcd", s: 0.36, e: 0.96 },
      { text: "a", s: 0.96, e: 1.2 },
    ]);
  });

  it("activeWord: lit from its start until the next word starts; none outside the cue", () => {
    const words = [
      { text: "a", s: 0.2, e: 0.4 },
      { text: "b", s: 0.8, e: 1 },
    ];
    expect([0.1, 0.2, 0.5, 0.79, 0.8, 1.19, 1.2].map((t) => activeWord(words, 0.2, 1.2, t))).toEqual([
      -1, 0, 0, 0, 1, 1, -1,
    ]);
  });

  it("isLit: the spoken word alone, or every word spoken so far (fill)", () => {
    expect([0, 1, 2].map((i) => isLit(CAPTION_STYLES.bold_pop, i, 1))).toEqual([false, true, false]);
    expect([0, 1, 2].map((i) => isLit(CAPTION_STYLES.clean, i, 1))).toEqual([true, true, false]);
    expect(isLit(CAPTION_STYLES.clean, 0, -1)).toBe(false);
  });

  it("captionLines: one line when it fits, else the fewest balanced lines", () => {
    const s = CAPTION_STYLES.bold_pop;
    expect(captionLines(s, ["NO", "WAY"], 1080, 1920)).toEqual([[0, 1]]);
    const seven = "THIS ROUND IS GOING TO BE HUGE".split(" ");
    const lines = captionLines(s, seven, 1080, 1920);
    // "THIS ROUND IS / GOING TO BE HUGE": the widest line as narrow as can be.
    expect(lines).toEqual([
      [0, 1, 2],
      [3, 4, 5, 6],
    ]);
    // Landscape has room for more on a line.
    expect(captionLines(s, seven, 1920, 1080)).toEqual([[0, 1, 2, 3, 4, 5, 6]]);
    expect(captionLines(s, [], 1080, 1920)).toEqual([]);
  });
});
