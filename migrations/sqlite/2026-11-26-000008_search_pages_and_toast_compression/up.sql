-- The catalog's search index, rebuilt for the order the catalog is read in (bench/README.md):
-- - its rowid is the product's seq negated, so newest-first pages (the default) walk each trigram's
--   doclist forwards; FTS5 steps backwards through a doclist by re-reading whole leaf pages, which
--   made a newest-first search three times slower than the same search oldest-first;
-- - 512-byte leaf pages (FTS5 `pgsz`, default 4050): a step within a doclist reads less.
-- Together a search whose trigrams are all common goes from 0.32 to 0.10 ms at 100,000 products.
DROP TRIGGER products_search_insert;
DROP TRIGGER products_search_update;
DROP TRIGGER products_search_delete;
DROP TABLE catalog_search;

CREATE VIRTUAL TABLE catalog_search USING fts5(search_text, delivery_method UNINDEXED, tokenize = 'trigram');
INSERT INTO catalog_search (catalog_search, rank) VALUES ('pgsz', 512);
INSERT INTO catalog_search (rowid, search_text, delivery_method)
SELECT -seq, search_text, delivery_method FROM products WHERE status = 'on_sale' ORDER BY seq DESC;
INSERT INTO catalog_search (catalog_search) VALUES ('optimize');

CREATE TRIGGER products_search_insert AFTER INSERT ON products WHEN new.status = 'on_sale'
BEGIN
    INSERT INTO catalog_search (rowid, search_text, delivery_method) VALUES (-new.seq, new.search_text, new.delivery_method);
END;

CREATE TRIGGER products_search_update AFTER UPDATE OF status, search_text, delivery_method ON products
WHEN old.status IS NOT new.status OR old.search_text IS NOT new.search_text
     OR old.delivery_method IS NOT new.delivery_method
BEGIN
    DELETE FROM catalog_search WHERE rowid = -old.seq;
    INSERT INTO catalog_search (rowid, search_text, delivery_method)
    SELECT -new.seq, new.search_text, new.delivery_method WHERE new.status = 'on_sale';
END;

CREATE TRIGGER products_search_delete AFTER DELETE ON products
BEGIN
    DELETE FROM catalog_search WHERE rowid = -old.seq;
END;
