ALTER TABLE events DROP COLUMN asset_id;
DROP TABLE asset_references;
DROP TABLE assets;
