ALTER TABLE events DROP COLUMN asset_id;
DROP TABLE assets;
