-- AlterTable
ALTER TABLE "Streamer" ADD COLUMN     "facecamBox" JSONB;

-- AlterTable
ALTER TABLE "ClipExport" ADD COLUMN     "cropMaxSpeed" DOUBLE PRECISION;
