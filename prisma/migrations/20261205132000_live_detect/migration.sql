-- CreateEnum
CREATE TYPE "ClipOrigin" AS ENUM ('LIVE', 'SEGMENT', 'MANUAL');

-- AlterTable
ALTER TABLE "AudioChunk" ADD COLUMN     "signals" JSONB;

-- AlterTable
ALTER TABLE "Clip" ADD COLUMN     "origin" "ClipOrigin" NOT NULL DEFAULT 'SEGMENT';

-- Clips made from a range the owner picked (lib/studio/session-view.ts) were keyed "manual-…".
UPDATE "Clip" SET "origin" = 'MANUAL' WHERE "detectionKey" LIKE 'manual-%';
