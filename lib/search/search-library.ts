import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db";
import { mediaUrl } from "@/lib/media-url";

/** Words a query may have: each is a tsquery term PostgreSQL matches against every transcript. */
export const MAX_SEARCH_TERMS = 12;

export const ZSearchQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .min(2, "type at least 2 characters.")
    .max(200, "at most 200 characters.")
    .refine((q) => q.split(/\s+/).length <= MAX_SEARCH_TERMS, `at most ${MAX_SEARCH_TERMS} words.`),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type TSearchQuery = z.infer<typeof ZSearchQuery>;

/** Marks around matched words in snippets; the UI splits on them (never rendered as HTML). */
export const HIT_START = "\u27e6";
export const HIT_END = "\u27e7";

type TMomentRow = {
  segmentId: string;
  sessionId: string;
  streamerId: string;
  streamerName: string;
  segmentStart: number;
  at: number | null;
  snippet: string;
  rank: number;
  clipId: string | null;
  clipStart: number | null;
  clipTitle: string | null;
};
type TClipRow = {
  id: string;
  title: string;
  streamerName: string;
  startTime: number;
  score: number;
  thumbKey: string | null;
  status: string;
  rank: number;
};

/**
 * Full-text search over the user's transcripts and clip titles (PostgreSQL `websearch_to_tsquery`, English
 * stemming, stored tsvector columns with GIN indexes from the search_tsvector_columns migration). Each transcript hit carries
 * the stream time of its first matching word and, when a clip covers that moment, the clip and the offset to
 * seek to. Parameters are bound by Prisma's tagged template; nothing is interpolated into the SQL text.
 */
export async function searchLibrary(userId: string, { q, limit }: TSearchQuery) {
  // Rank first and keep the top `limit` transcripts; only those get the first matching word's time (a walk
  // over their word timings), a covering clip and a headline. A word every transcript says would otherwise
  // walk every transcript's words before the LIMIT.
  const moments = await prisma.$queryRaw<TMomentRow[]>`
    WITH query AS (SELECT websearch_to_tsquery('english', ${q}) AS tsq,
                          tsvector_to_array(to_tsvector('english', ${q})) AS lexemes),
    top AS (
      SELECT t."text", t."words", s."id", s."sessionId", s."startOffset", s."recordedAt",
             ts_rank(t."textSearch", query.tsq) AS rank
      FROM "Transcript" t
      JOIN "Segment" s ON s."id" = t."segmentId" AND s."userId" = ${userId}
      CROSS JOIN query
      WHERE t."userId" = ${userId} AND t."textSearch" @@ query.tsq
      ORDER BY rank DESC, s."recordedAt" DESC, s."id"
      LIMIT ${limit}
    )
    SELECT top."id" AS "segmentId", top."sessionId", st."id" AS "streamerId", st."name" AS "streamerName",
           top."startOffset" AS "segmentStart",
           w.at,
           ts_headline('english', top."text", query.tsq,
             'StartSel=' || ${HIT_START} || ', StopSel=' || ${HIT_END} || ', MaxWords=20, MinWords=8, MaxFragments=1') AS snippet,
           top.rank,
           c."id" AS "clipId", c."startTime" AS "clipStart", c."title" AS "clipTitle"
    FROM top
    JOIN "LiveSession" ls ON ls."id" = top."sessionId"
    JOIN "Streamer" st ON st."id" = ls."streamerId"
    CROSS JOIN query
    LEFT JOIN LATERAL (
      SELECT min((x->>'s')::float8) AS at
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(top."words") = 'array' THEN top."words" ELSE '[]'::jsonb END) x
      WHERE tsvector_to_array(to_tsvector('english', coalesce(x->>'w', ''))) && query.lexemes
    ) w ON true
    LEFT JOIN LATERAL (
      SELECT c."id", c."startTime", c."title" FROM "Clip" c
      WHERE c."userId" = ${userId} AND c."sessionId" = top."sessionId"
        AND c."startTime" <= coalesce(w.at, top."startOffset") AND c."endTime" >= coalesce(w.at, top."startOffset")
      ORDER BY c."score" DESC, c."id" LIMIT 1
    ) c ON true
    ORDER BY top.rank DESC, top."recordedAt" DESC, top."id"`;

  const clips = await prisma.$queryRaw<TClipRow[]>`
    SELECT c."id", c."title", st."name" AS "streamerName", c."startTime", c."score", c."thumbKey", c."status"::text AS "status",
           ts_rank(c."titleSearch", websearch_to_tsquery('english', ${q})) AS rank
    FROM "Clip" c JOIN "Streamer" st ON st."id" = c."streamerId"
    WHERE c."userId" = ${userId} AND c."titleSearch" @@ websearch_to_tsquery('english', ${q})
    ORDER BY rank DESC, c."createdAt" DESC, c."id"
    LIMIT ${limit}`;

  return {
    q,
    moments: moments.map((m) => {
      const at = m.at ?? m.segmentStart;
      return {
        segmentId: m.segmentId,
        sessionId: m.sessionId,
        streamer: { id: m.streamerId, name: m.streamerName },
        at,
        snippet: m.snippet,
        clip: m.clipId
          ? { id: m.clipId, title: m.clipTitle!, offset: Math.max(0, Math.round((at - m.clipStart!) * 10) / 10) }
          : null,
      };
    }),
    clips: clips.map((c) => ({
      id: c.id,
      title: c.title,
      streamerName: c.streamerName,
      startTime: c.startTime,
      score: c.score,
      thumbUrl: c.status === "READY" ? mediaUrl(c.thumbKey) : null,
    })),
  };
}
export type TSearchResult = Awaited<ReturnType<typeof searchLibrary>>;
