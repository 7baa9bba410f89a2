-- AlterTable
ALTER TABLE "Clip" ADD COLUMN     "captions" JSONB,
ADD COLUMN     "trimEnd" DOUBLE PRECISION,
ADD COLUMN     "trimError" TEXT,
ADD COLUMN     "trimStart" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "ClipExport" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "clipId" TEXT NOT NULL,
    "preset" TEXT NOT NULL,
    "layout" TEXT NOT NULL,
    "captions" BOOLEAN NOT NULL DEFAULT true,
    "status" "ClipStatus" NOT NULL DEFAULT 'PENDING',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "outputKey" TEXT,
    "width" INTEGER,
    "height" INTEGER,
    "duration" DOUBLE PRECISION,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClipExport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ClipExport_userId_createdAt_idx" ON "ClipExport"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "ClipExport_clipId_idx" ON "ClipExport"("clipId");

-- AddForeignKey
ALTER TABLE "ClipExport" ADD CONSTRAINT "ClipExport_clipId_fkey" FOREIGN KEY ("clipId") REFERENCES "Clip"("id") ON DELETE CASCADE ON UPDATE CASCADE;
