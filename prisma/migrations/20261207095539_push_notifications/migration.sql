-- CreateEnum
CREATE TYPE "PushDeliveryStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- AlterTable
ALTER TABLE "Streamer" ADD COLUMN     "notify" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "PushSubscription" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "p256dh" TEXT NOT NULL,
    "auth" TEXT NOT NULL,
    "userAgent" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSuccessAt" TIMESTAMP(3),

    CONSTRAINT "PushSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PushDelivery" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "clipId" TEXT NOT NULL,
    "status" "PushDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "enqueuedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PushDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServerKey" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ServerKey_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "PushSubscription_endpoint_key" ON "PushSubscription"("endpoint");

-- CreateIndex
CREATE INDEX "PushSubscription_userId_idx" ON "PushSubscription"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "PushDelivery_clipId_key" ON "PushDelivery"("clipId");

-- CreateIndex
CREATE INDEX "PushDelivery_enqueuedAt_createdAt_idx" ON "PushDelivery"("enqueuedAt", "createdAt");

-- AddForeignKey
ALTER TABLE "PushSubscription" ADD CONSTRAINT "PushSubscription_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (docs/decisions/020): a clip READY for the first time on a streamer with notify on, whose owner has
-- a push subscription, gets one PushDelivery, in the transaction of the change; NOTIFY wakes the dispatcher
-- (lib/outgoing-webhooks/dispatch.ts hands push deliveries over with the webhooks').
CREATE OR REPLACE FUNCTION clipstream_push_outbox() RETURNS trigger AS $$
BEGIN
  IF NEW."status" = 'READY' AND (TG_OP = 'INSERT' OR OLD."status" <> 'READY')
     AND EXISTS (SELECT 1 FROM "Streamer" st WHERE st."id" = NEW."streamerId" AND st."notify")
     AND EXISTS (SELECT 1 FROM "PushSubscription" p WHERE p."userId" = NEW."userId") THEN
    INSERT INTO "PushDelivery" ("id", "userId", "clipId", "createdAt")
    VALUES ('pd' || replace(gen_random_uuid()::text, '-', ''), NEW."userId", NEW."id", (now() AT TIME ZONE 'UTC'))
    ON CONFLICT ("clipId") DO NOTHING;
    IF FOUND THEN
      PERFORM pg_notify('clipstream_webhooks', '');
    END IF;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Clip_push_notifications" AFTER INSERT OR UPDATE OF "status" ON "Clip"
  FOR EACH ROW EXECUTE FUNCTION clipstream_push_outbox();
