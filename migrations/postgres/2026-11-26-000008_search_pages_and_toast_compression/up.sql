-- The large JSON documents (draft content, application snapshots, product content and catalog
-- entries) are compressed with lz4 instead of pglz when PostgreSQL stores them: several times
-- faster to write and read, which a release does with each of them (bench/README.md). Values already
-- stored keep their compression. A server built without lz4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE drafts ALTER COLUMN content SET COMPRESSION lz4;
    ALTER TABLE applications ALTER COLUMN snapshot SET COMPRESSION lz4;
    ALTER TABLE products ALTER COLUMN content SET COMPRESSION lz4, ALTER COLUMN catalog_entry SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available on this server: large documents stay compressed with pglz';
END
$$;
