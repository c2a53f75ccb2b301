-- What a listed product carries beside its content, never reviewed: hardware stock per SKU and the
-- facts of an image product's image (JSON).
ALTER TABLE products ADD COLUMN offer TEXT NOT NULL DEFAULT '{}';
-- A draft's content names its delivery method from now on (the typed content's discriminator). Before
-- this, only professional services had release rules: drafts saved without one are theirs.
UPDATE drafts SET content = json_set(content, '$.delivery_method', 'professional_service')
WHERE json_extract(content, '$.delivery_method') IS NULL;
