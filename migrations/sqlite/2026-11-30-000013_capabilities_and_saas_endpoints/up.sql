-- Seller capabilities set by admins, and sellers' SaaS endpoints with their access verifications
-- (SQLite dialect; keep in step with ../../postgres).
CREATE TABLE seller_capabilities (
    seller_id TEXT PRIMARY KEY NOT NULL,
    hardware BOOLEAN NOT NULL,
    joint_operations BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE saas_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    last_passed_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX saas_endpoints_seller_idx ON saas_endpoints (seller_id, id);
CREATE INDEX saas_endpoints_url_idx ON saas_endpoints (seller_id, url);

CREATE TABLE saas_verifications (
    id TEXT PRIMARY KEY NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES saas_endpoints (id) ON DELETE CASCADE,
    passed BOOLEAN NOT NULL,
    status INTEGER,
    latency_ms BIGINT,
    error TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX saas_verifications_endpoint_idx ON saas_verifications (endpoint_id, id);
