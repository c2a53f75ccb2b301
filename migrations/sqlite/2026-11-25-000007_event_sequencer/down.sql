CREATE TABLE events_old (
    cursor BIGINT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    application_id TEXT,
    product_id TEXT,
    draft_id TEXT
);
INSERT INTO events_old SELECT cursor, seller_id, event_type, at, application_id, product_id, draft_id
FROM events WHERE cursor IS NOT NULL;
DROP TABLE events;
ALTER TABLE events_old RENAME TO events;
CREATE INDEX events_seller_idx ON events (seller_id, cursor);
