DROP INDEX events_cursor_idx;
DELETE FROM events WHERE cursor IS NULL;
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events DROP COLUMN seq;
ALTER TABLE events ALTER COLUMN cursor SET NOT NULL;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (cursor);
