-- LiveSession.clipCount, kept by statement-level triggers on "Clip" (hand-edited: Prisma's schema cannot
-- declare triggers). Every writer counts: the pipeline's upserts, manual clips, re-detection's deletes and
-- cascades from a deleted session, streamer or account (the session row is then gone and nothing is updated).
-- A clip never moves to another session, so updates need no trigger.

-- AlterTable
ALTER TABLE "LiveSession" ADD COLUMN     "clipCount" INTEGER NOT NULL DEFAULT 0;

CREATE FUNCTION "Clip_count_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "LiveSession" s SET "clipCount" = s."clipCount" + n.n
  FROM (SELECT "sessionId", count(*)::int AS n FROM inserted GROUP BY "sessionId") n
  WHERE s.id = n."sessionId";
  RETURN NULL;
END $$;

CREATE FUNCTION "Clip_count_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "LiveSession" s SET "clipCount" = s."clipCount" - n.n
  FROM (SELECT "sessionId", count(*)::int AS n FROM deleted GROUP BY "sessionId") n
  WHERE s.id = n."sessionId";
  RETURN NULL;
END $$;

CREATE TRIGGER "Clip_count_insert" AFTER INSERT ON "Clip" REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "Clip_count_inserted"();
CREATE TRIGGER "Clip_count_delete" AFTER DELETE ON "Clip" REFERENCING OLD TABLE AS deleted
  FOR EACH STATEMENT EXECUTE FUNCTION "Clip_count_deleted"();

-- Sessions recorded before this migration.
UPDATE "LiveSession" s SET "clipCount" = (SELECT count(*) FROM "Clip" c WHERE c."sessionId" = s.id);
