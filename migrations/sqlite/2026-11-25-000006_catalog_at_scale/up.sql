-- The catalog at scale: a listing sequence (the catalog's keyset, and the rowid of its search index),
-- each product's catalog entry rendered once per version, and an FTS5 trigram index for `?q=`.
-- SQLite cannot add a primary key to a table, so products is rebuilt with `seq` as its rowid
-- (an INTEGER PRIMARY KEY keeps its values through VACUUM, which the search index relies on).
CREATE TABLE products_new (
    id TEXT NOT NULL UNIQUE,
    seller_id TEXT NOT NULL,
    status TEXT NOT NULL,
    delivery_method TEXT,
    search_text TEXT NOT NULL,
    content TEXT NOT NULL,
    removed TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    catalog_entry TEXT NOT NULL,
    seq INTEGER PRIMARY KEY NOT NULL
);
-- Rows from before this migration get their entry rendered on first read (an empty entry).
INSERT INTO products_new (id, seller_id, status, delivery_method, search_text, content, removed, version,
                          created_at, updated_at, catalog_entry)
SELECT id, seller_id, status, delivery_method, search_text, content, removed, version, created_at, updated_at, ''
FROM products ORDER BY id;
DROP TABLE products;
ALTER TABLE products_new RENAME TO products;
CREATE INDEX products_seller_idx ON products (seller_id, id);
CREATE INDEX products_catalog_idx ON products (status, seq);
CREATE INDEX products_catalog_method_idx ON products (status, delivery_method, seq);

-- Listed products only; the rowid is the product's seq. Triggers keep it in step with products.
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
