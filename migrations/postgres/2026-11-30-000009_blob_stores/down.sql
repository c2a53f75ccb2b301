DROP INDEX blobs_released_idx;
ALTER TABLE blobs DROP COLUMN released_at;
ALTER TABLE blobs DROP COLUMN stored_in;
