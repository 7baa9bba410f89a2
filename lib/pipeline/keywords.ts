/** Excitement phrases every streamer's audio is searched for (plus the streamer's own keywords). */
export const DEFAULT_KEYWORDS = [
  "oh my god",
  "no way",
  "lets go",
  "insane",
  "what",
  "huge",
  "crazy",
  "wow",
  "unbelievable",
];

export const keywordsFor = (streamerKeywords: string[]) => [...DEFAULT_KEYWORDS, ...streamerKeywords];

/** Identifies a keyword list, so hits spotted with another list (settings changed since) are not reused. */
export const keywordsKey = (keywords: string[]) => keywords.join("\n");
