DROP TRIGGER products_search_insert;
DROP TRIGGER products_search_update;
DROP TRIGGER products_search_delete;
DROP TABLE catalog_search;

CREATE VIRTUAL TABLE catalog_search USING fts5(search_text, delivery_method UNINDEXED, tokenize = 'trigram');
INSERT INTO catalog_search (rowid, search_text, delivery_method)
SELECT seq, search_text, delivery_method FROM products WHERE status = 'on_sale';

CREATE TRIGGER products_search_insert AFTER INSERT ON products WHEN new.status = 'on_sale'
BEGIN
    INSERT INTO catalog_search (rowid, search_text, delivery_method) VALUES (new.seq, new.search_text, new.delivery_method);
END;

CREATE TRIGGER products_search_update AFTER UPDATE OF status, search_text, delivery_method ON products
WHEN old.status IS NOT new.status OR old.search_text IS NOT new.search_text
     OR old.delivery_method IS NOT new.delivery_method
BEGIN
    DELETE FROM catalog_search WHERE rowid = old.seq;
    INSERT INTO catalog_search (rowid, search_text, delivery_method)
    SELECT new.seq, new.search_text, new.delivery_method WHERE new.status = 'on_sale';
END;

CREATE TRIGGER products_search_delete AFTER DELETE ON products
BEGIN
    DELETE FROM catalog_search WHERE rowid = old.seq;
END;
