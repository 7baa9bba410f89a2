import {
  CAPTION_FONTS,
  captionBox,
  captionLines,
  isLit,
  timedWords,
  wordWindows,
  type TCaptionStyle,
} from "./caption-styles";

type TCueLike = { start: number; end: number; text: string; words?: { w: string; s: number; e: number }[] };

/** `#RRGGBB` + opacity as ASS `&HAABBGGRR` (alpha 00 = opaque). */
export function assColour(hex: string, opacity = 1): string {
  const h = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");
  const [r, g, b] = [1, 3, 5].map((i) => hex.slice(i, i + 2).toUpperCase());
  return `&H${h(Math.round((1 - opacity) * 255))}${b}${g}${r}`;
}

/** Seconds as an ASS time, `H:MM:SS.cc` (centiseconds). */
export function assTime(seconds: number): string {
  const cs = Math.max(0, Math.round(seconds * 100));
  const p = (n: number) => String(n).padStart(2, "0");
  return `${Math.floor(cs / 360000)}:${p(Math.floor(cs / 6000) % 60)}:${p(Math.floor(cs / 100) % 60)}.${p(cs % 100)}`;
}

/**
 * Event text is literal: `{`/`}` would open and close override blocks, and a backslash before N, n or h would
 * be a line break or hard space, so braces are escaped (`\{`, `\}`) and a WORD JOINER (U+2060, zero width)
 * follows every backslash.
 */
export function assEscape(s: string): string {
  return s
    .replace(/[\r\n\t]+/g, " ")
    .replace(/\\/g, "\\\u2060")
    .replace(/\{/g, "\\{")
    .replace(/\}/g, "\\}");
}

/**
 * An ASS script burning `cues` in `style` on a W×H output (PlayRes = output pixels). Word by word: each cue is
 * one event per word, from the word's start to the next word's start, with the same text and line breaks and
 * only the lit words' colour changed, so the layout never moves while the highlight steps through the words.
 */
export function toAss(cues: TCueLike[], W: number, H: number, style: TCaptionStyle): string {
  const font = CAPTION_FONTS[style.font];
  const b = captionBox(style, W, H);
  const box = style.box;
  const fill = assColour(style.fill.color, style.fill.opacity);
  const lit = assColour(style.highlight.color, style.highlight.opacity);
  // Overrides take the colour alone, `&HBBGGRR&`.
  const rgb = (c: string) => `&H${c.slice(-6)}&`;
  const styleLine = [
    "Default",
    font.family,
    b.size,
    fill,
    lit,
    box ? assColour(box.color, box.opacity) : assColour(style.outline.color, style.outline.opacity),
    assColour(style.shadow.color, style.shadow.opacity),
    -1, // bold: the font's 700 face
    0,
    0,
    0,
    100,
    100,
    0,
    0,
    box ? 3 : 1, // 3: an opaque box per line, the outline width as its padding
    box ? b.padding : b.outline,
    b.shadow,
    style.position === "top" ? 8 : 2,
    b.marginH,
    b.marginH,
    b.marginV,
    1,
  ].join(",");
  const events: string[] = [];
  for (const cue of cues) {
    const words = timedWords(cue, style.upperCase);
    if (!words.length) continue;
    const lines = captionLines(
      style,
      words.map((w) => w.text),
      W,
      H,
    );
    const windows = wordWindows(words, cue.start, cue.end);
    windows.forEach((win, current) => {
      // Times go to centiseconds first, so one word's end and the next one's start are the same stamp.
      const from = assTime(win.from);
      const to = assTime(win.to);
      if (from === to) return;
      const text = lines
        .map((line) =>
          line
            .map((i) =>
              isLit(style, i, current)
                ? `{\\1c${rgb(lit)}}${assEscape(words[i].text)}{\\1c${rgb(fill)}}`
                : assEscape(words[i].text),
            )
            .join(" "),
        )
        .join("\\N");
      events.push(`Dialogue: 0,${from},${to},Default,,0,0,0,,${text}`);
    });
  }
  return [
    "[Script Info]",
    "ScriptType: v4.00+",
    `PlayResX: ${W}`,
    `PlayResY: ${H}`,
    "WrapStyle: 0",
    "ScaledBorderAndShadow: yes",
    "",
    "[V4+ Styles]",
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
    `Style: ${styleLine}`,
    "",
    "[Events]",
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ...events,
    "",
  ].join("\n");
}
