DROP TABLE events;
DROP TABLE account_contacts;
DROP TABLE notification_settings;
DROP TABLE outbox;
DROP TABLE messages;
