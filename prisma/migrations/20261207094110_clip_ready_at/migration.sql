-- AlterTable
ALTER TABLE "Clip" ADD COLUMN     "readyAt" TIMESTAMP(3);

-- Hand-written: readyAt is stamped by the database the first time a clip becomes READY, whichever code path
-- (render, manual clip, "Clip that", a retried render) gets it there.
CREATE OR REPLACE FUNCTION clipstream_clip_ready_at() RETURNS trigger AS $$
BEGIN
  IF NEW."status" = 'READY' AND NEW."readyAt" IS NULL THEN
    NEW."readyAt" := (clock_timestamp() AT TIME ZONE 'UTC');
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Clip_ready_at" BEFORE INSERT OR UPDATE OF "status" ON "Clip"
  FOR EACH ROW EXECUTE FUNCTION clipstream_clip_ready_at();
