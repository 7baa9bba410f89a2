-- AlterTable
ALTER TABLE "Streamer" ADD COLUMN     "archivedAt" TIMESTAMP(3),
ADD COLUMN     "recordingStoppedAt" TIMESTAMP(3);
