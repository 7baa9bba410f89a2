-- CreateEnum
CREATE TYPE "AudioChunkStatus" AS ENUM ('PENDING', 'RUNNING', 'DONE', 'SKIPPED', 'ERROR');

-- CreateTable
CREATE TABLE "AudioChunk" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "startOffset" DOUBLE PRECISION NOT NULL,
    "duration" DOUBLE PRECISION NOT NULL,
    "storageKey" TEXT NOT NULL,
    "status" "AudioChunkStatus" NOT NULL DEFAULT 'PENDING',
    "claimedAt" TIMESTAMP(3),
    "words" JSONB,
    "keywordHits" JSONB,
    "keywords" TEXT,
    "engine" TEXT,
    "model" TEXT,
    "language" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AudioChunk_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AudioChunk_storageKey_key" ON "AudioChunk"("storageKey");

-- CreateIndex
CREATE INDEX "AudioChunk_sessionId_startOffset_idx" ON "AudioChunk"("sessionId", "startOffset");

-- CreateIndex
CREATE INDEX "AudioChunk_createdAt_idx" ON "AudioChunk"("createdAt");

-- AddForeignKey
ALTER TABLE "AudioChunk" ADD CONSTRAINT "AudioChunk_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "LiveSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;
