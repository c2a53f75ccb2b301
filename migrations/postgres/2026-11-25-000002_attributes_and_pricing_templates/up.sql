-- The seller's attribute catalogue and pricing templates (PostgreSQL dialect; keep in step with ../../sqlite).
CREATE TABLE attributes (
    id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    code TEXT NOT NULL,
    definition TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX attributes_seller_code_idx ON attributes (seller_id, code);
CREATE INDEX attributes_seller_idx ON attributes (seller_id, id);

CREATE TABLE pricing_templates (
    id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    price TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX pricing_templates_seller_idx ON pricing_templates (seller_id, id);
