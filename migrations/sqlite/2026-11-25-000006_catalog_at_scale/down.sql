DROP TRIGGER products_search_delete;
DROP TRIGGER products_search_update;
DROP TRIGGER products_search_insert;
DROP TABLE catalog_search;
CREATE TABLE products_old (
    id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL,
    status TEXT NOT NULL,
    delivery_method TEXT,
    search_text TEXT NOT NULL,
    content TEXT NOT NULL,
    removed TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO products_old SELECT id, seller_id, status, delivery_method, search_text, content, removed, version,
                                created_at, updated_at FROM products;
DROP TABLE products;
ALTER TABLE products_old RENAME TO products;
CREATE INDEX products_seller_idx ON products (seller_id, id);
CREATE INDEX products_status_idx ON products (status, id);
