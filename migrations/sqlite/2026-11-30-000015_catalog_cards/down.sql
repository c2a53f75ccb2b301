ALTER TABLE products DROP COLUMN sold_in;
ALTER TABLE products DROP COLUMN catalog_card;
