-- Push channel (docs/decisions/011): every insert, update and delete of a Clip, Segment, LiveSession or
-- Streamer row sends a small JSON payload on the `clipstream_push` channel. The app LISTENs once per process
-- (lib/push) and fans the events out to the signed-in owner's Server-Sent Events streams. NOTIFY is sent at
-- commit, so a listener never sees a row that is not visible yet. Payloads stay far below the 8000-byte limit.
CREATE OR REPLACE FUNCTION clipstream_push_notify() RETURNS trigger AS $$
DECLARE
  r RECORD;
  session_id TEXT;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_TABLE_NAME = 'LiveSession' THEN
    session_id := r."id";
  ELSIF TG_TABLE_NAME = 'Streamer' THEN
    session_id := NULL;
  ELSE
    session_id := r."sessionId";
  END IF;
  PERFORM pg_notify('clipstream_push', json_build_object(
    'table', TG_TABLE_NAME,
    'op', TG_OP,
    'id', r."id",
    'userId', r."userId",
    'sessionId', session_id,
    'status', r."status"::text
  )::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Clip_push" AFTER INSERT OR UPDATE OR DELETE ON "Clip"
  FOR EACH ROW EXECUTE FUNCTION clipstream_push_notify();
CREATE TRIGGER "Segment_push" AFTER INSERT OR UPDATE OR DELETE ON "Segment"
  FOR EACH ROW EXECUTE FUNCTION clipstream_push_notify();
CREATE TRIGGER "LiveSession_push" AFTER INSERT OR UPDATE OR DELETE ON "LiveSession"
  FOR EACH ROW EXECUTE FUNCTION clipstream_push_notify();
CREATE TRIGGER "Streamer_push" AFTER INSERT OR UPDATE OR DELETE ON "Streamer"
  FOR EACH ROW EXECUTE FUNCTION clipstream_push_notify();
