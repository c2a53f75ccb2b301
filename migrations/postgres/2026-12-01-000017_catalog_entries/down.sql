ALTER TABLE products ADD COLUMN catalog_entry TEXT NOT NULL DEFAULT '';
UPDATE products SET catalog_entry = e.entry FROM catalog_entries e WHERE e.product_id = products.id;
DROP TABLE catalog_entries;
