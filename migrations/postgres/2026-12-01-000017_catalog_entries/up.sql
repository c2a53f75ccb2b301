-- Each product's catalog entry (what `GET /v1/catalog/products/{id}` serves) in a narrow table of its
-- own, with the status and version the lookup needs: a lookup by id reads one small heap tuple (the
-- entry compressed inline, lz4 where the server has it) instead of a wide products row and its TOAST
-- chunks (bench/README.md). Empty entries (written before entries were stored) are still rendered on
-- read.
CREATE TABLE catalog_entries (
    product_id TEXT PRIMARY KEY NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    entry TEXT NOT NULL
);
DO $$
BEGIN
    ALTER TABLE catalog_entries ALTER COLUMN entry SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available on this server: entries stay compressed with pglz';
END
$$;
INSERT INTO catalog_entries (product_id, status, version, entry)
SELECT id, status, version, catalog_entry FROM products ORDER BY id;
ALTER TABLE products DROP COLUMN catalog_entry;
