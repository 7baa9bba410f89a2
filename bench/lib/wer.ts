/** Word error rate and word-timing checks of a transcript against a known script (pure; used by benchmarks). */

export type TScriptLine = { start: number; end: number; text: string };
export type TTimedWord = { w: string; s: number; e: number };

/** Lowercase words without punctuation or apostrophes ("Let's go!" → ["lets", "go"]). */
export function normWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’'`]/g, "")
    .replace(/[^a-z0-9 ]+/g, " ")
    .trim()
    .split(/\s+/)
    .filter(Boolean);
}

/**
 * Levenshtein alignment of hypothesis words onto reference words. Returns the error counts and the matched
 * pairs (reference index, hypothesis index), in order.
 */
export function alignWords(ref: string[], hyp: string[]) {
  const n = ref.length;
  const m = hyp.length;
  const d = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = 0; i <= n; i++) d[i][0] = i;
  for (let j = 0; j <= m; j++) d[0][j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const sub = d[i - 1][j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      d[i][j] = Math.min(sub, d[i - 1][j] + 1, d[i][j - 1] + 1);
    }
  }
  const matches: [number, number][] = [];
  let subs = 0,
    dels = 0,
    ins = 0;
  let i = n,
    j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && d[i][j] === d[i - 1][j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1)) {
      if (ref[i - 1] === hyp[j - 1]) matches.push([i - 1, j - 1]);
      else subs++;
      i--;
      j--;
    } else if (i > 0 && d[i][j] === d[i - 1][j] + 1) {
      dels++;
      i--;
    } else {
      ins++;
      j--;
    }
  }
  matches.reverse();
  return { subs, dels, ins, errors: subs + dels + ins, matches };
}

/**
 * Word error rate of `words` against `script`, and of the correctly recognised words the share whose midpoint
 * lies inside the time span of the script line they belong to (± `slack` s): checks that times are offset right.
 */
export function transcriptQuality(script: TScriptLine[], words: TTimedWord[], slack = 0.5) {
  const ref: { w: string; line: number }[] = script.flatMap((l, line) => normWords(l.text).map((w) => ({ w, line })));
  const hyp = words.map((w) => normWords(w.w).join(""));
  const a = alignWords(
    ref.map((r) => r.w),
    hyp,
  );
  const inLine = a.matches.filter(([ri, hi]) => {
    const l = script[ref[ri].line];
    const mid = (words[hi].s + words[hi].e) / 2;
    return mid >= l.start - slack && mid <= l.end + slack;
  }).length;
  return {
    refWords: ref.length,
    hypWords: hyp.length,
    wer: ref.length ? a.errors / ref.length : 0,
    correct: a.matches.length,
    timedInLine: a.matches.length ? inLine / a.matches.length : 1,
  };
}
