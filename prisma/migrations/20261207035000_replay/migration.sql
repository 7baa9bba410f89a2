-- CreateEnum
CREATE TYPE "ReplayPace" AS ENUM ('FAST', 'LIVE');

-- AlterTable
ALTER TABLE "LiveSession" ADD COLUMN     "replayPace" "ReplayPace",
ADD COLUMN     "replaySource" TEXT;

-- One live recording per streamer; a replay (an imported recording) runs beside it.
DROP INDEX "LiveSession_one_active_per_streamer";
CREATE UNIQUE INDEX "LiveSession_one_active_per_streamer" ON "LiveSession"("streamerId")
  WHERE "status" = 'RECORDING' AND "replaySource" IS NULL;
