DROP INDEX products_search_idx;
DROP INDEX products_catalog_method_idx;
DROP INDEX products_catalog_idx;
DROP INDEX products_seq_idx;
ALTER TABLE products DROP COLUMN seq;
ALTER TABLE products DROP COLUMN catalog_entry;
CREATE INDEX products_status_idx ON products (status, id);
