-- CreateEnum
CREATE TYPE "RecordOutput" AS ENUM ('copy', 'mp4', 'webm', 'av1');

-- CreateEnum
CREATE TYPE "RecordQuality" AS ENUM ('low', 'medium', 'high');

-- AlterTable
ALTER TABLE "Streamer" ADD COLUMN     "recordOutput" "RecordOutput" NOT NULL DEFAULT 'copy',
ADD COLUMN     "recordQuality" "RecordQuality" NOT NULL DEFAULT 'medium';
