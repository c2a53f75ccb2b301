-- Drafts and idempotency keys (SQLite dialect; keep in step with ../../postgres).
CREATE TABLE drafts (
    id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    product_id TEXT,
    name_search TEXT,
    content TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX drafts_seller_idx ON drafts (seller_id, id);
CREATE INDEX drafts_seller_state_idx ON drafts (seller_id, state, id);
CREATE INDEX drafts_seller_kind_idx ON drafts (seller_id, kind, id);

CREATE TABLE idempotency_keys (
    account_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER,
    headers TEXT,
    body BLOB,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
