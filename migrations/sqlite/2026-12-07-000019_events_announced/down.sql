-- Nothing on SQLite: PostgreSQL announces committed events to the instances' followers
-- (LISTEN/NOTIFY); instances on one SQLite file follow the feed by its poll alone.
SELECT 1;
