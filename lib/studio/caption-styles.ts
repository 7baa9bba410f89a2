import "@/lib/zod-jitless";
import { z } from "zod";

/**
 * Caption styles: the ONE definition both the burned-in ASS captions (caption-ass.ts, libass) and the studio's
 * preview (components/studio/caption-preview.tsx, CSS) are made from. Every length is derived from the output
 * size here (captionBox), every line break and highlighted word is decided here (captionLines, activeWord), so
 * the two renderers only translate the same numbers into their own syntax.
 */

/**
 * Caption fonts: files of the Debian packages scripts/ensure-system.sh installs (libass reads them through a
 * fontsdir, the browser through /caption-fonts/<id>). Metrics are the files' own (caption-styles.test.ts reads
 * them back): libass sizes a font so that OS/2 winAscent + winDescent = the ASS Fontsize, so the CSS em is
 * Fontsize × unitsPerEm / (winAscent + winDescent). `advance`: mean advance in em of A–Z, a–z and the space,
 * used to estimate line widths.
 */
export const CAPTION_FONTS = {
  league_spartan_bold: {
    family: "League Spartan",
    weight: 700,
    file: "/usr/share/fonts/opentype/league-spartan/LeagueSpartan-Bold.otf",
    format: "opentype",
    debian: "fonts-league-spartan",
    unitsPerEm: 2000,
    winAscent: 2305,
    winDescent: 675,
    advance: { upper: 0.615, lower: 0.495, space: 0.2645 },
  },
  open_sans_bold: {
    family: "Open Sans",
    weight: 700,
    file: "/usr/share/fonts/truetype/open-sans/OpenSans-Bold.ttf",
    format: "truetype",
    debian: "fonts-open-sans",
    unitsPerEm: 2048,
    winAscent: 2189,
    winDescent: 600,
    advance: { upper: 0.663, lower: 0.567, space: 0.2598 },
  },
  dejavu_sans_bold: {
    family: "DejaVu Sans",
    weight: 700,
    file: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    format: "truetype",
    debian: "fonts-dejavu-core",
    unitsPerEm: 2048,
    winAscent: 1901,
    winDescent: 483,
    advance: { upper: 0.755, lower: 0.636, space: 0.3481 },
  },
  bebas_neue_bold: {
    family: "Bebas Neue",
    weight: 700,
    file: "/usr/share/fonts/opentype/bebas-neue/BebasNeue-Bold.otf",
    format: "opentype",
    debian: "fonts-bebas-neue",
    unitsPerEm: 1000,
    winAscent: 900,
    winDescent: 300,
    advance: { upper: 0.391, lower: 0.391, space: 0.155 },
  },
} as const;
export type TCaptionFontId = keyof typeof CAPTION_FONTS;
export type TCaptionFont = (typeof CAPTION_FONTS)[TCaptionFontId];

/** An RGB colour and its opacity (1 = opaque). */
type TPaint = { color: `#${string}`; opacity: number };

export type TCaptionStyle = {
  label: string;
  description: string;
  font: TCaptionFontId;
  /** Line height (the ASS Fontsize) as a fraction of the output's shorter side. */
  size: number;
  position: "bottom" | "top";
  /** Distance of the text block from its edge, as a fraction of the output height: portrait / landscape+square. */
  margin: { portrait: number; landscape: number };
  fill: TPaint;
  /** The word being spoken ("word"), or every word spoken so far in the cue ("fill", karaoke). */
  highlight: TPaint & { mode: "word" | "fill" };
  /** Outline around the glyphs (width as a fraction of the line height), or a box behind each line. */
  outline: TPaint & { width: number };
  box: (TPaint & { padding: number }) | null;
  /** Drop shadow offset (fraction of the line height) down and right. */
  shadow: TPaint & { offset: number };
  upperCase: boolean;
};

export const CAPTION_STYLES = {
  bold_pop: {
    label: "Bold pop",
    description: "Upper-case, thick outline, the spoken word in yellow",
    font: "league_spartan_bold",
    size: 0.1,
    position: "bottom",
    margin: { portrait: 0.2, landscape: 0.08 },
    fill: { color: "#FFFFFF", opacity: 1 },
    highlight: { color: "#FFD400", opacity: 1, mode: "word" },
    outline: { color: "#000000", opacity: 1, width: 0.09 },
    box: null,
    shadow: { color: "#000000", opacity: 0.6, offset: 0.04 },
    upperCase: true,
  },
  clean: {
    label: "Clean",
    description: "White sentence case; words turn blue as they are said",
    font: "open_sans_bold",
    size: 0.075,
    position: "bottom",
    margin: { portrait: 0.2, landscape: 0.08 },
    fill: { color: "#FFFFFF", opacity: 1 },
    highlight: { color: "#4DA3FF", opacity: 1, mode: "fill" },
    outline: { color: "#000000", opacity: 1, width: 0.05 },
    box: null,
    shadow: { color: "#000000", opacity: 0.5, offset: 0.03 },
    upperCase: false,
  },
  boxed: {
    label: "Boxed",
    description: "White on a dark box, the spoken word in green",
    font: "dejavu_sans_bold",
    size: 0.07,
    position: "bottom",
    margin: { portrait: 0.2, landscape: 0.08 },
    fill: { color: "#FFFFFF", opacity: 1 },
    highlight: { color: "#5CFF7A", opacity: 1, mode: "word" },
    outline: { color: "#000000", opacity: 1, width: 0 },
    box: { color: "#000000", opacity: 0.75, padding: 0.16 },
    shadow: { color: "#000000", opacity: 0, offset: 0 },
    upperCase: false,
  },
  top: {
    label: "Top",
    description: "Tall upper-case at the top, the spoken word in pink",
    font: "bebas_neue_bold",
    size: 0.13,
    position: "top",
    margin: { portrait: 0.12, landscape: 0.06 },
    fill: { color: "#FFFFFF", opacity: 1 },
    highlight: { color: "#FF3D7F", opacity: 1, mode: "word" },
    outline: { color: "#000000", opacity: 1, width: 0.06 },
    box: null,
    shadow: { color: "#000000", opacity: 0.5, offset: 0.03 },
    upperCase: true,
  },
} as const satisfies Record<string, TCaptionStyle>;
export type TCaptionStyleId = keyof typeof CAPTION_STYLES;
export const CAPTION_STYLE_IDS = Object.keys(CAPTION_STYLES) as [TCaptionStyleId, ...TCaptionStyleId[]];
export const DEFAULT_CAPTION_STYLE: TCaptionStyleId = "bold_pop";
export const ZCaptionStyleId = z.enum(CAPTION_STYLE_IDS);

/** The style of an id read back from storage (an unknown one falls back to the default). */
export function captionStyle(id: string): TCaptionStyle {
  return (CAPTION_STYLES as Record<string, TCaptionStyle>)[id] ?? CAPTION_STYLES[DEFAULT_CAPTION_STYLE];
}

/** The CSS em of a font at an ASS Fontsize (see CAPTION_FONTS). */
export const emPerSize = (f: TCaptionFont) => f.unitsPerEm / (f.winAscent + f.winDescent);

/** Pixel geometry of a style on a W×H output: what libass gets as PlayRes pixels, and the preview scales. */
export function captionBox(style: TCaptionStyle, W: number, H: number) {
  const portrait = H > W;
  const size = Math.round(Math.min(W, H) * style.size * (portrait ? 1 : 0.8));
  return {
    size,
    outline: Math.round(size * style.outline.width),
    padding: style.box ? Math.round(size * style.box.padding) : 0,
    shadow: Math.round(size * style.shadow.offset),
    marginV: Math.round(H * (portrait ? style.margin.portrait : style.margin.landscape)),
    marginH: Math.round(W * 0.07),
  };
}

/** One word of a cue as shown: its display text (upper-cased by the style) and its time in the clip. */
export type TTimedWord = { text: string; s: number; e: number };
type TCueLike = { start: number; end: number; text: string; words?: { w: string; s: number; e: number }[] };

/**
 * The words of a cue with times: the transcript's word times when the cue still has its words one for one
 * (an edit that only fixes spellings keeps them), else the cue's time shared out by word length.
 */
export function timedWords(cue: TCueLike, upperCase: boolean): TTimedWord[] {
  const tokens = cue.text.split(/\s+/).filter(Boolean);
  const show = (t: string) => (upperCase ? t.toUpperCase() : t);
  if (cue.words && cue.words.length === tokens.length)
    return tokens.map((t, i) => ({ text: show(t), s: cue.words![i].s, e: cue.words![i].e }));
  const weights = tokens.map((t) => t.length + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  let at = cue.start;
  return tokens.map((t, i) => {
    const s = at;
    at = i === tokens.length - 1 ? cue.end : at + ((cue.end - cue.start) * weights[i]) / total;
    return { text: show(t), s: Math.round(s * 1000) / 1000, e: Math.round(at * 1000) / 1000 };
  });
}

/**
 * When word i is the current one: from its start until the next word starts (the last one until the cue
 * ends), so a pause between words keeps the previous word lit.
 */
export function wordWindows(words: TTimedWord[], cueStart: number, cueEnd: number): { from: number; to: number }[] {
  return words.map((w, i) => ({
    from: i === 0 ? cueStart : w.s,
    to: i === words.length - 1 ? cueEnd : words[i + 1].s,
  }));
}

/** The index of the word lit at `t` (−1 before the cue). */
export function activeWord(words: TTimedWord[], cueStart: number, cueEnd: number, t: number): number {
  if (t < cueStart || t >= cueEnd) return -1;
  const w = wordWindows(words, cueStart, cueEnd);
  return w.findIndex((x) => t >= x.from && t < x.to);
}

/** Whether word i shows the highlight colour while word `current` is being said. */
export const isLit = (style: TCaptionStyle, i: number, current: number) =>
  style.highlight.mode === "word" ? i === current : current >= 0 && i <= current;

/**
 * The cue's words in lines: the fewest lines whose estimated width fits between the margins, balanced so the
 * lines are about equally long. Both renderers break exactly here (libass at `\N`, the preview at <br>).
 */
export function captionLines(style: TCaptionStyle, words: string[], W: number, H: number): number[][] {
  if (!words.length) return [];
  const font = CAPTION_FONTS[style.font];
  const box = captionBox(style, W, H);
  const em = box.size * emPerSize(font);
  const width = (w: string) =>
    [...w].reduce(
      (a, ch) => a + (ch === ch.toUpperCase() && ch !== ch.toLowerCase() ? font.advance.upper : font.advance.lower),
      0,
    ) * em;
  const space = font.advance.space * em;
  const widths = words.map(width);
  const room = W - 2 * box.marginH - 2 * (box.outline + box.padding);
  const lineWidth = (a: number, b: number) => widths.slice(a, b).reduce((x, y) => x + y, 0) + space * (b - a - 1);
  /** Greedy packing under `cap`: the start index of each line. */
  const pack = (cap: number) => {
    const starts = [0];
    for (let i = 1; i < words.length; i++) if (lineWidth(starts.at(-1)!, i + 1) > cap) starts.push(i);
    return starts;
  };
  const lines = pack(room).length;
  // The narrowest cap that still packs into that many lines: balanced lines.
  let lo = Math.max(...widths);
  let hi = Math.max(room, lo);
  for (let k = 0; k < 30; k++) {
    const mid = (lo + hi) / 2;
    if (pack(mid).length <= lines) hi = mid;
    else lo = mid;
  }
  const starts = pack(hi);
  return starts.map((s, i) => Array.from({ length: (starts[i + 1] ?? words.length) - s }, (_, j) => s + j));
}
