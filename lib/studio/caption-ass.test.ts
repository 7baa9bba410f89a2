import { describe, expect, it } from "vitest";
import { assColour, assEscape, assTime, toAss } from "./caption-ass";
import { CAPTION_STYLES } from "./caption-styles";

const events = (ass: string) => ass.split("\n").filter((l) => l.startsWith("Dialogue: "));
const styleLine = (ass: string) => ass.split("\n").find((l) => l.startsWith("Style: "))!;

describe("ASS captions", () => {
  it("times are centiseconds (rounded), hours unpadded", () => {
    expect([0, 0.004, 0.005, 1.234, 61.5, 3599.999, 3723.45].map(assTime)).toEqual([
      "0:00:00.00",
      "0:00:00.00",
      "0:00:00.01",
      "0:00:01.23",
      "0:01:01.50",
      "1:00:00.00",
      "1:02:03.45",
    ]);
  });

  it("colours are &HAABBGGRR with alpha 00 for opaque", () => {
    expect(assColour("#FFD400")).toBe("&H0000D4FF");
    expect(assColour("#000000", 0.75)).toBe("&H40000000");
    expect(assColour("#4da3ff", 0)).toBe("&HFFFFA34D");
  });

  it("escapes override braces, and backslashes so \\N, \\n and \\h stay literal", () => {
    expect(assEscape("a {b} c")).toBe("a \\{b\\} c");
    expect(assEscape("x\\N y\\h")).toBe("x\\\u2060N y\\\u2060h");
    expect(assEscape("one\ntwo\r\n")).toBe("one two ");
  });

  it("one event per word, each lasting until the next word starts, with the spoken word in the highlight colour", () => {
    const cue = {
      start: 0.2,
      end: 1.58,
      text: "no way {that}",
      words: [
        { w: "no", s: 0.2, e: 0.48 },
        { w: "way", s: 0.504, e: 0.78 },
        { w: "{that}", s: 1.3, e: 1.58 },
      ],
    };
    const ass = toAss([cue], 1080, 1920, CAPTION_STYLES.bold_pop);
    expect(events(ass)).toEqual([
      "Dialogue: 0,0:00:00.20,0:00:00.50,Default,,0,0,0,,{\\1c&H00D4FF&}NO{\\1c&HFFFFFF&} WAY \\{THAT\\}",
      "Dialogue: 0,0:00:00.50,0:00:01.30,Default,,0,0,0,,NO {\\1c&H00D4FF&}WAY{\\1c&HFFFFFF&} \\{THAT\\}",
      "Dialogue: 0,0:00:01.30,0:00:01.58,Default,,0,0,0,,NO WAY {\\1c&H00D4FF&}\\{THAT\\}{\\1c&HFFFFFF&}",
    ]);
    expect(ass).toContain("PlayResX: 1080\nPlayResY: 1920");
    // League Spartan bold, 108 px lines, white fill, yellow, black outline 10 px, bottom centre 384 px up.
    expect(styleLine(ass)).toBe(
      "Style: Default,League Spartan,108,&H00FFFFFF,&H0000D4FF,&H00000000,&H66000000,-1,0,0,0,100,100,0,0,1,10,4,2,76,76,384,1",
    );
  });

  it("fill mode lights every word said so far; sentence case stays as typed", () => {
    const cue = {
      start: 0,
      end: 1,
      text: "Hi There",
      words: [
        { w: "hi", s: 0, e: 0.4 },
        { w: "there", s: 0.5, e: 1 },
      ],
    };
    const ass = toAss([cue], 1080, 1920, CAPTION_STYLES.clean);
    expect(events(ass).map((l) => l.split(",,").at(-1))).toEqual([
      "{\\1c&HFFA34D&}Hi{\\1c&HFFFFFF&} There",
      "{\\1c&HFFA34D&}Hi{\\1c&HFFFFFF&} {\\1c&HFFA34D&}There{\\1c&HFFFFFF&}",
    ]);
  });

  it("a long cue breaks into lines at \\N, the same breaks in every word's event; boxed uses an opaque box", () => {
    const text = "this round is going to be huge for everyone";
    const ass = toAss([{ start: 0, end: 4.5, text }], 1080, 1920, CAPTION_STYLES.boxed);
    const texts = events(ass).map((l) =>
      l
        .split(",,")
        .at(-1)!
        .replace(/\{[^}]*\}/g, ""),
    );
    expect(new Set(texts)).toEqual(new Set(["this round is going to\\Nbe huge for everyone"]));
    expect(events(ass)).toHaveLength(9);
    // BorderStyle 3, box padding 12 px, no shadow.
    expect(styleLine(ass).split(",").slice(15, 18)).toEqual(["3", "12", "0"]);
    expect(styleLine(ass).split(",")[5]).toBe("&H40000000");
  });

  it("the top style is top-centre; words closer than a centisecond do not make empty events", () => {
    const cue = {
      start: 0,
      end: 1,
      text: "a b c",
      words: [
        { w: "a", s: 0, e: 0.5 },
        { w: "b", s: 0.501, e: 0.503 },
        { w: "c", s: 0.503, e: 1 },
      ],
    };
    const ass = toAss([cue], 1080, 1920, CAPTION_STYLES.top);
    expect(styleLine(ass).split(",")[18]).toBe("8");
    expect(events(ass).map((l) => l.split(",").slice(1, 3).join("-"))).toEqual([
      "0:00:00.00-0:00:00.50",
      "0:00:00.50-0:00:01.00",
    ]);
  });
});
