INSERT INTO catalog_search (catalog_search, rank) VALUES ('pgsz', 4050);
INSERT INTO catalog_search (catalog_search) VALUES ('optimize');
