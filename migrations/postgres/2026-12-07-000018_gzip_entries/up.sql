-- Each catalog entry also stored gzip-compressed, beside its JSON: sent as stored to clients that
-- accept gzip (less than half the bytes), the JSON to the others, so that neither form is converted
-- per request (bench/README.md). Rows written before are compressed on read until the product next
-- changes. Already compressed: PostgreSQL keeps it as it is (no second compression).
ALTER TABLE catalog_entries ADD COLUMN gzip BYTEA NOT NULL DEFAULT '\x';
ALTER TABLE catalog_entries ALTER COLUMN gzip SET STORAGE EXTERNAL;
