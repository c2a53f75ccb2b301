-- Events get a row id of their own (`seq`, in insertion order) and a cursor that may come later:
-- PostgreSQL appends without a lock and a sequencer numbers committed events in one short
-- transaction, so cursors still never go back. SQLite numbers them as they are appended (its one
-- writer already runs in commit order). SQLite cannot change a primary key: the table is rebuilt.
CREATE TABLE events_new (
    cursor BIGINT,
    seller_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    application_id TEXT,
    product_id TEXT,
    draft_id TEXT,
    seq INTEGER PRIMARY KEY NOT NULL
);
INSERT INTO events_new (cursor, seller_id, event_type, at, application_id, product_id, draft_id, seq)
SELECT cursor, seller_id, event_type, at, application_id, product_id, draft_id, cursor FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE UNIQUE INDEX events_cursor_idx ON events (cursor);
CREATE INDEX events_seller_idx ON events (seller_id, cursor);
