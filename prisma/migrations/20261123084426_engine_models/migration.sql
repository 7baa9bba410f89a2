-- AlterTable
ALTER TABLE "Transcript" ADD COLUMN     "model" TEXT;

-- AlterTable
ALTER TABLE "Clip" ADD COLUMN     "engineModel" TEXT;
