-- The drafts' delivery method stays (a content may name it either way).
ALTER TABLE products DROP COLUMN offer;
