-- Draft files (content-addressed blobs) and marketplace settings (SQLite dialect; keep in step with ../../postgres).
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY NOT NULL,
    size BIGINT NOT NULL,
    data BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE draft_files (
    id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    draft_id TEXT NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs (sha256),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX draft_files_draft_idx ON draft_files (draft_id, kind, id);

CREATE TABLE settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
