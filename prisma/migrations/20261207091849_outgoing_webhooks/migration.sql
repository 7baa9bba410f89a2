-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');

-- CreateTable
CREATE TABLE "WebhookEndpoint" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "events" TEXT[],
    "secret" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "objectId" TEXT NOT NULL,
    "payload" TEXT,
    "enqueuedAt" TIMESTAMP(3),
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "lastAttemptAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WebhookEndpoint_userId_createdAt_idx" ON "WebhookEndpoint"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_endpointId_createdAt_idx" ON "WebhookDelivery"("endpointId", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_enqueuedAt_createdAt_idx" ON "WebhookDelivery"("enqueuedAt", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_endpointId_eventKey_key" ON "WebhookDelivery"("endpointId", "eventKey");

-- AddForeignKey
ALTER TABLE "WebhookEndpoint" ADD CONSTRAINT "WebhookEndpoint_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "WebhookEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Outgoing webhooks (hand-written, docs/decisions/019): row triggers write one WebhookDelivery per subscribed,
-- enabled endpoint of the row's owner, in the transaction of the change itself, so no code path that changes
-- a clip, session or segment can forget its event and none is written for a change that rolled back. The
-- unique (endpointId, eventKey) makes a repeated transition a no-op. NOTIFY (sent at commit) wakes the
-- dispatcher (lib/outgoing-webhooks/dispatch.ts), which hands new deliveries to the job engine.
CREATE OR REPLACE FUNCTION clipstream_webhook_enqueue(owner TEXT, kind TEXT, event_key TEXT, object_id TEXT)
RETURNS void AS $$
BEGIN
  INSERT INTO "WebhookDelivery" ("id", "userId", "endpointId", "type", "eventKey", "objectId", "createdAt")
  SELECT 'wd' || replace(gen_random_uuid()::text, '-', ''), e."userId", e."id", kind, event_key, object_id,
         (now() AT TIME ZONE 'UTC')
  FROM "WebhookEndpoint" e
  WHERE e."userId" = owner AND e."enabled" AND kind = ANY (e."events")
  ON CONFLICT ("endpointId", "eventKey") DO NOTHING;
  IF FOUND THEN
    PERFORM pg_notify('clipstream_webhooks', '');
  END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION clipstream_webhook_outbox() RETURNS trigger AS $$
DECLARE
  stamp TEXT := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS');
BEGIN
  IF TG_TABLE_NAME = 'Clip' THEN
    -- Ready the first time only: a re-render (refined edges, a trim) is not a new clip.
    IF NEW."status" = 'READY' AND (TG_OP = 'INSERT' OR OLD."status" <> 'READY') THEN
      PERFORM clipstream_webhook_enqueue(NEW."userId", 'clip.ready', 'clip.ready:' || NEW."id", NEW."id");
    END IF;
    IF TG_OP = 'UPDATE' AND NEW."review" <> OLD."review" AND NEW."review" <> 'PENDING' THEN
      PERFORM clipstream_webhook_enqueue(NEW."userId", 'clip.reviewed',
        'clip.reviewed:' || NEW."id" || ':' || stamp, NEW."id");
    END IF;
  ELSIF TG_TABLE_NAME = 'LiveSession' THEN
    IF TG_OP = 'INSERT' THEN
      PERFORM clipstream_webhook_enqueue(NEW."userId", 'session.started', 'session.started:' || NEW."id", NEW."id");
    END IF;
    IF NEW."status" IN ('ENDED', 'FAILED') AND (TG_OP = 'INSERT' OR OLD."status" NOT IN ('ENDED', 'FAILED')) THEN
      PERFORM clipstream_webhook_enqueue(NEW."userId", 'session.ended', 'session.ended:' || NEW."id", NEW."id");
    END IF;
  ELSIF TG_TABLE_NAME = 'Segment' THEN
    -- Each failure counts (a retried segment can fail again).
    IF NEW."status" = 'ERROR' AND (TG_OP = 'INSERT' OR OLD."status" <> 'ERROR') THEN
      PERFORM clipstream_webhook_enqueue(NEW."userId", 'segment.failed',
        'segment.failed:' || NEW."id" || ':' || stamp, NEW."id");
    END IF;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Clip_webhooks" AFTER INSERT OR UPDATE OF "status", "review" ON "Clip"
  FOR EACH ROW EXECUTE FUNCTION clipstream_webhook_outbox();
CREATE TRIGGER "LiveSession_webhooks" AFTER INSERT OR UPDATE OF "status" ON "LiveSession"
  FOR EACH ROW EXECUTE FUNCTION clipstream_webhook_outbox();
CREATE TRIGGER "Segment_webhooks" AFTER INSERT OR UPDATE OF "status" ON "Segment"
  FOR EACH ROW EXECUTE FUNCTION clipstream_webhook_outbox();
