-- AlterTable
ALTER TABLE "ClipExport" ADD COLUMN     "captionStyle" TEXT NOT NULL DEFAULT 'bold_pop';
