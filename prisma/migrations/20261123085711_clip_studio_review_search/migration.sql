-- CreateEnum
CREATE TYPE "ClipReview" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- AlterTable
ALTER TABLE "Clip" ADD COLUMN     "favorite" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "review" "ClipReview" NOT NULL DEFAULT 'PENDING',
ADD COLUMN     "reviewedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Clip_userId_review_createdAt_idx" ON "Clip"("userId", "review", "createdAt");

-- Full-text search (hand-written, Prisma cannot express expression indexes).
-- The queries in lib/search/search-library.ts use exactly these expressions so the planner picks the indexes.
CREATE INDEX "Transcript_text_fts_idx" ON "Transcript" USING GIN (to_tsvector('english', "text"));
CREATE INDEX "Clip_title_fts_idx" ON "Clip" USING GIN (to_tsvector('english', "title"));
