ALTER TABLE catalog_entries DROP COLUMN gzip;
