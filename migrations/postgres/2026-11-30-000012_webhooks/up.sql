-- Webhooks (PostgreSQL dialect; keep in step with ../../sqlite): the endpoints sellers register and one
-- delivery per event and endpoint, written with the event (the outbox pattern), claimed by workers
-- (`claim`, `claimed_until`) and retried until `first_due_at` + 72 h. Events get a stable id, the
-- `webhook-id` of their deliveries and the `id` of the feed's items.
ALTER TABLE events ADD COLUMN id TEXT;
UPDATE events SET id = 'evt_' || seq;
CREATE UNIQUE INDEX events_id_idx ON events (id);

CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    url TEXT NOT NULL,
    description TEXT,
    event_types TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_until TIMESTAMP,
    failing_since TIMESTAMP,
    disabled_reason TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_endpoints_seller_idx ON webhook_endpoints (seller_id, id);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    first_due_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claim TEXT,
    claimed_until TIMESTAMP,
    last_status INTEGER,
    last_response TEXT,
    created_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);
