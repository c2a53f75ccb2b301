DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP INDEX events_id_idx;
ALTER TABLE events DROP COLUMN id;
