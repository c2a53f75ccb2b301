ALTER TABLE applications DROP COLUMN name;
