DROP TABLE settings;
DROP TABLE draft_files;
DROP TABLE blobs;
