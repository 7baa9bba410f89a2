-- AlterTable
ALTER TABLE "Streamer" ADD COLUMN     "customPrompt" TEXT;
