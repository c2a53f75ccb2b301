-- The product's name as submitted, beside the snapshot: the review queue lists applications without
-- reading their snapshots.
ALTER TABLE applications ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE applications SET name = COALESCE(snapshot::jsonb #>> '{content,name}', '');
