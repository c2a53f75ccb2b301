-- Internal messages, the notification outbox, notification settings, account contacts and the event
-- feed (PostgreSQL dialect; keep in step with ../../sqlite).
CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    application_id TEXT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    read_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_seller_idx ON messages (seller_id, id);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claim TEXT,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX outbox_due_idx ON outbox (status, next_attempt_at);

CREATE TABLE notification_settings (
    seller_id TEXT PRIMARY KEY NOT NULL,
    emails TEXT NOT NULL,
    phones TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE account_contacts (
    account_id TEXT PRIMARY KEY NOT NULL,
    email TEXT,
    phone TEXT,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE events (
    cursor BIGINT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    application_id TEXT,
    product_id TEXT,
    draft_id TEXT
);
CREATE INDEX events_seller_idx ON events (seller_id, cursor);
