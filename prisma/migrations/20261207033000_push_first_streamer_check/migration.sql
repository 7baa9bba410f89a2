-- Push channel: a streamer's first live check (lastCheckedAt from null) is pushed: the dashboard shows "checking…" until then.
-- Later checks (lastCheckedAt only) still send nothing (see push_skip_streamer_checks).
CREATE OR REPLACE FUNCTION clipstream_push_notify() RETURNS trigger AS $$
DECLARE
  r RECORD;
  session_id TEXT;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  -- The live check touches every monitored streamer every 30 s (lastCheckedAt): only a change a page shows
  -- (status, error, name, settings) is pushed, or every open dashboard would refetch on every check.
  -- Nested: plpgsql does not short-circuit AND, and only Streamer rows have "lastCheckedAt".
  IF TG_TABLE_NAME = 'Streamer' AND TG_OP = 'UPDATE' THEN
    IF OLD."lastCheckedAt" IS NOT NULL
       AND (to_jsonb(NEW) - 'lastCheckedAt' - 'updatedAt') = (to_jsonb(OLD) - 'lastCheckedAt' - 'updatedAt') THEN
      RETURN NULL;
    END IF;
  END IF;
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
