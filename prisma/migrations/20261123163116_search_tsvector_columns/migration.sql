-- Stored tsvectors for full-text search (hand-edited: Prisma declares these columns as Unsupported("tsvector")
-- and cannot express generated columns or GIN indexes on them). Ranking a common word used to re-parse every
-- matching transcript (to_tsvector per row, ~4 s for 1,200 transcripts), it now reads the stored vector.
-- lib/search/search-library.ts queries exactly these columns.

-- AlterTable
ALTER TABLE "Transcript" ADD COLUMN     "textSearch" tsvector GENERATED ALWAYS AS (to_tsvector('english', "text")) STORED;

-- AlterTable
ALTER TABLE "Clip" ADD COLUMN     "titleSearch" tsvector GENERATED ALWAYS AS (to_tsvector('english', "title")) STORED;

-- The expression indexes of clip_studio_review_search are replaced by indexes on the stored columns.
DROP INDEX "Transcript_text_fts_idx";
DROP INDEX "Clip_title_fts_idx";
CREATE INDEX "Transcript_textSearch_idx" ON "Transcript" USING GIN ("textSearch");
CREATE INDEX "Clip_titleSearch_idx" ON "Clip" USING GIN ("titleSearch");
