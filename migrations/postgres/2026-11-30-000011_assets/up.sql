-- Assets: software packages (a blob, by sha256) and image references, reviewed on their own
-- (`detail`: the package's file name, media type and size, or the image reference, as JSON)
-- (PostgreSQL dialect; keep in step with ../../sqlite). `scan` is where the package check is;
-- `scan_claimed_until` leases a pending scan to one worker. Events may name an asset.
CREATE TABLE assets (
    id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    sha256 TEXT,
    detail TEXT NOT NULL,
    scan TEXT NOT NULL,
    scan_claimed_until TIMESTAMP,
    row_version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT
);
CREATE UNIQUE INDEX assets_label_idx ON assets (seller_id, name, version);
CREATE INDEX assets_seller_idx ON assets (seller_id, id);
CREATE INDEX assets_queue_idx ON assets (status, due_at, id);
CREATE INDEX assets_scan_idx ON assets (scan, created_at);
CREATE INDEX assets_sha256_idx ON assets (sha256);

-- Which pending applications and live products name an asset (kept with their content): an asset
-- named here cannot be deleted.
CREATE TABLE asset_references (
    asset_id TEXT NOT NULL,
    holder TEXT NOT NULL,
    holder_id TEXT NOT NULL,
    PRIMARY KEY (asset_id, holder, holder_id)
);
CREATE INDEX asset_references_holder_idx ON asset_references (holder, holder_id);

ALTER TABLE events ADD COLUMN asset_id TEXT;
