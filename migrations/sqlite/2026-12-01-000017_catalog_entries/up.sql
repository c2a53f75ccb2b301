-- Each product's catalog entry (what `GET /v1/catalog/products/{id}` serves) in a narrow table of its
-- own, with the status and version the lookup needs. In the products row the entry sat after the
-- content: a lookup by id walked the row's overflow pages to reach it, and at a million products the
-- pages random lookups touch were the whole 16 GB file (bench/README.md). Empty entries (written
-- before entries were stored) are still rendered on read.
CREATE TABLE catalog_entries (
    product_id TEXT PRIMARY KEY NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    entry TEXT NOT NULL
);
INSERT INTO catalog_entries (product_id, status, version, entry)
SELECT id, status, version, catalog_entry FROM products ORDER BY id;
ALTER TABLE products DROP COLUMN catalog_entry;
