-- Resumable uploads: a file declared by size and SHA-256, taken in parts (PostgreSQL dialect; keep in
-- step with ../../sqlite). Parts are staged in the blob store's backend (`stored_in`; an S3
-- multipart upload id in `backend_ref`); on the database backend their bytes are in `upload_parts.data`.
-- A completed upload holds a reference to its blob until it is deleted.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    part_size BIGINT NOT NULL,
    parts BIGINT NOT NULL,
    status TEXT NOT NULL,
    stored_in TEXT NOT NULL,
    backend_ref TEXT,
    failure TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP
);
CREATE INDEX uploads_seller_idx ON uploads (seller_id, id);
CREATE INDEX uploads_open_idx ON uploads (expires_at) WHERE status = 'open';
CREATE INDEX uploads_sha256_idx ON uploads (sha256) WHERE status = 'completed';

CREATE TABLE upload_parts (
    upload_id TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    backend_tag TEXT,
    data BYTEA,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (upload_id, number)
);
