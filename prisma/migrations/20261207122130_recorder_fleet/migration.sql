-- AlterTable
ALTER TABLE "LiveSession" ADD COLUMN     "leaseEpoch" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "leaseExpiresAt" TIMESTAMP(3),
ADD COLUMN     "recorderId" TEXT;

-- CreateTable
CREATE TABLE "Recorder" (
    "id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "capacity" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Recorder_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LiveSession_recorderId_status_idx" ON "LiveSession"("recorderId", "status");

-- CreateIndex
CREATE INDEX "LiveSession_status_leaseExpiresAt_idx" ON "LiveSession"("status", "leaseExpiresAt");

-- Sessions recording when this runs (hand-added): their lease has run out, so the first heartbeat of a fleet
-- recorder (the upgraded recorder, restarted) takes them over and resumes them. LiveKit egress sessions are not
-- the recorder's and keep no lease.
UPDATE "LiveSession" s SET "leaseExpiresAt" = CURRENT_TIMESTAMP
 WHERE s.status = 'RECORDING'
   AND NOT EXISTS (SELECT 1 FROM "LiveKitEgress" e WHERE e."sessionId" = s.id);
