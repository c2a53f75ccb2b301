-- Applications under review and listed products (PostgreSQL dialect; keep in step with ../../sqlite).
CREATE TABLE applications (
    id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    draft_id TEXT NOT NULL,
    product_id TEXT,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    delivery_method TEXT,
    submitted_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    extended_review BOOLEAN NOT NULL,
    decided_at TIMESTAMP,
    reason TEXT,
    snapshot TEXT NOT NULL,
    history TEXT NOT NULL
);
CREATE INDEX applications_seller_idx ON applications (seller_id, id);
CREATE INDEX applications_seller_submitted_idx ON applications (seller_id, submitted_at);
CREATE INDEX applications_queue_idx ON applications (status, due_at, id);
CREATE INDEX applications_draft_idx ON applications (draft_id, id);

CREATE TABLE products (
    id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    status TEXT NOT NULL,
    delivery_method TEXT,
    search_text TEXT NOT NULL,
    content TEXT NOT NULL,
    removed TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX products_seller_idx ON products (seller_id, id);
CREATE INDEX products_status_idx ON products (status, id);
