DROP TRIGGER events_announced ON events;
DROP FUNCTION announce_events();
