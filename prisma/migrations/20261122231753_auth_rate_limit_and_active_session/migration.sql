-- CreateTable
CREATE TABLE "rateLimit" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "lastRequest" BIGINT NOT NULL,

    CONSTRAINT "rateLimit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "rateLimit_key_key" ON "rateLimit"("key");

-- At most one active (recording) session per streamer, whatever races between overlapping checks.
CREATE UNIQUE INDEX "LiveSession_one_active_per_streamer" ON "LiveSession"("streamerId") WHERE "status" = 'RECORDING';
