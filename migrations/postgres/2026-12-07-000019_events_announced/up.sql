-- Committed events are announced on the channel `shelf_events` (delivered at commit, one
-- notification per transaction however many events it appended): every instance's follower
-- listens and acts at once instead of at its next poll.
CREATE FUNCTION announce_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('shelf_events', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER events_announced AFTER INSERT ON events
  FOR EACH STATEMENT EXECUTE FUNCTION announce_events();
