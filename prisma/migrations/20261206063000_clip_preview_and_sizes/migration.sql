-- CreateTable
CREATE TABLE "ClipPreview" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "clipId" TEXT NOT NULL,
    "startMs" INTEGER NOT NULL,
    "endMs" INTEGER NOT NULL,
    "status" "ClipStatus" NOT NULL DEFAULT 'RENDERING',
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClipPreview_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ClipPreview_clipId_startMs_endMs_key" ON "ClipPreview"("clipId", "startMs", "endMs");

-- CreateIndex
CREATE INDEX "ClipPreview_userId_idx" ON "ClipPreview"("userId");

-- AddForeignKey
ALTER TABLE "ClipPreview" ADD CONSTRAINT "ClipPreview_clipId_fkey" FOREIGN KEY ("clipId") REFERENCES "Clip"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "Clip" ADD COLUMN "sizeBytes" INTEGER;

-- AlterTable
ALTER TABLE "ClipExport" ADD COLUMN "sizeBytes" INTEGER;
