-- Where each blob's bytes live (the database, a directory, object storage), and when its last
-- reference went: bytes outside the database are removed by the sweeper after that, never inside the
-- transaction that released them (PostgreSQL dialect; keep in step with ../../sqlite).
ALTER TABLE blobs ADD COLUMN stored_in TEXT NOT NULL DEFAULT 'database';
ALTER TABLE blobs ADD COLUMN released_at TIMESTAMP;
CREATE INDEX blobs_released_idx ON blobs (released_at) WHERE released_at IS NOT NULL;
