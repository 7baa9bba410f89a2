-- DropIndex
DROP INDEX "Segment_status_idx";

-- AlterTable
ALTER TABLE "Segment" ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "Segment_status_updatedAt_idx" ON "Segment"("status", "updatedAt");
