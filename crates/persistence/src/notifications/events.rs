//! The event feed: appended in the change's transaction, numbered in commit order.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use shelf_domain::notification::EventType;

use crate::KeepPrepared;
use crate::schema::events;
use crate::{DbConnection, Error, Result, from_db_time, now, to_db_time};

/// A sequenced event (its cursor is set).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    #[diesel(select_expression = events::cursor.assume_not_null())]
    #[diesel(select_expression_type = diesel::dsl::AssumeNotNull<events::cursor>)]
    pub cursor: i64,
    pub seller_id: String,
    pub event_type: String,
    pub at: NaiveDateTime,
    pub application_id: Option<String>,
    pub product_id: Option<String>,
    pub draft_id: Option<String>,
    pub asset_id: Option<String>,
    /// The event's stable id (`evt_…`): the feed's and its webhooks' `webhook-id`.
    pub id: Option<String>,
}

/// An event being appended: numbered now on SQLite, by the sequencer on PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = events, treat_none_as_default_value = false)]
pub struct NewEventRow {
    pub cursor: Option<i64>,
    pub seller_id: String,
    pub event_type: String,
    pub at: NaiveDateTime,
    pub application_id: Option<String>,
    pub product_id: Option<String>,
    pub draft_id: Option<String>,
    pub asset_id: Option<String>,
    /// The event's stable id (`evt_…`): the feed's and its webhooks' `webhook-id`.
    pub id: Option<String>,
}

impl EventRow {
    pub fn at(&self) -> DateTime<Utc> {
        from_db_time(self.at)
    }
}

/// What an event is about.
#[derive(Debug, Clone, Copy, Default)]
pub struct Subject<'a> {
    pub application_id: Option<&'a str>,
    pub product_id: Option<&'a str>,
    pub draft_id: Option<&'a str>,
    pub asset_id: Option<&'a str>,
}

/// Appends an event inside the caller's transaction. On SQLite it is numbered at once (the writer
/// lock runs transactions one at a time, so cursors follow commit order); on PostgreSQL appends take
/// no lock and `sequence_events` numbers them once committed.
pub fn append_event(conn: &mut DbConnection, seller_id: &str, event: EventType, subject: Subject<'_>) -> Result<()> {
    append_events(conn, seller_id, &[(event, subject)])
}

/// Appends the seller's events in this order, in one statement.
pub fn append_events(conn: &mut DbConnection, seller_id: &str, events: &[(EventType, Subject<'_>)]) -> Result<()> {
    let first = next_cursors(conn)?;
    let at = to_db_time(now());
    let ids: Vec<(EventType, String)> = events.iter().map(|(event, _)| (*event, new_event_id())).collect();
    let rows: Vec<NewEventRow> = events
        .iter()
        .zip(&ids)
        .enumerate()
        .map(|(i, ((event, subject), (_, id)))| NewEventRow {
            cursor: first.map(|c| c + i as i64),
            seller_id: seller_id.to_owned(),
            event_type: event.as_str().to_owned(),
            at,
            application_id: subject.application_id.map(str::to_owned),
            product_id: subject.product_id.map(str::to_owned),
            draft_id: subject.draft_id.map(str::to_owned),
            asset_id: subject.asset_id.map(str::to_owned),
            id: Some(id.clone()),
        })
        .collect();
    crate::insert_rows!(conn, events::table, &rows);
    crate::webhooks::fan_out(conn, seller_id, &ids)
}

/// A new event's id.
pub(crate) fn new_event_id() -> String {
    format!("evt_{}", crate::new_id().replace('-', ""))
}

/// The first cursor for events appended now: on SQLite the next one (the caller holds the writer
/// lock); on PostgreSQL none (`sequence_events` numbers them after commit).
pub(crate) fn next_cursors(conn: &mut DbConnection) -> Result<Option<i64>> {
    match conn {
        DbConnection::Pg(_) => Ok(None),
        DbConnection::Sqlite(_) => Ok(Some(last_cursor(conn)? + 1)),
    }
}

/// Numbers the committed events (`sequence_events`) in a transaction of its own; nothing to do on
/// SQLite, where events are numbered as they are appended.
pub fn sequence_committed_events(db: &crate::Db) -> Result<usize> {
    match db.backend() {
        crate::Backend::Sqlite => Ok(0),
        crate::Backend::Postgres => db.write(sequence_events),
    }
}

/// Serialises sequencers across instances (a transaction-scoped advisory lock).
const SEQUENCER_LOCK_KEY: i64 = 7_235_061_130_431;

/// Numbers the committed events that have no cursor yet, in the order they were appended, after
/// every cursor given so far; returns how many. Run it in its own transaction (`Db::write`): under
/// the lock, only events committed before it started are numbered, and any committed later get
/// later cursors, so a reader that has seen cursor N never finds a new event below N.
pub fn sequence_events(conn: &mut DbConnection) -> Result<usize> {
    let DbConnection::Pg(pg) = conn else {
        return Ok(0);
    };
    diesel::sql_query(format!("SELECT pg_advisory_xact_lock({SEQUENCER_LOCK_KEY})")).prepared().execute(pg)?;
    Ok(diesel::sql_query(
        "UPDATE events SET cursor = numbered.cursor FROM ( \
           SELECT seq, (SELECT COALESCE(MAX(cursor), 0) FROM events) + ROW_NUMBER() OVER (ORDER BY seq) AS cursor \
           FROM events WHERE cursor IS NULL ORDER BY seq LIMIT 10000) AS numbered \
         WHERE events.seq = numbered.seq",
    )
    .prepared()
    .execute(pg)?)
}

/// The channel PostgreSQL announces committed events on (migration 19's trigger on `events`).
const ANNOUNCED: &str = "shelf_events";

/// A connection of its own, outside the pool, that hears PostgreSQL announce committed events
/// (`LISTEN`): a follower acts at once instead of at its next poll.
pub struct EventListener(diesel::PgConnection);

impl EventListener {
    /// Listens on `db`'s database; None on SQLite, which announces nothing.
    pub fn open(db: &crate::Db) -> Option<Result<EventListener>> {
        let url = db.postgres_url()?;
        let listen = || {
            let mut conn = diesel::PgConnection::establish(url).map_err(|e| Error::Unavailable(e.to_string()))?;
            diesel::sql_query(format!("LISTEN {ANNOUNCED}")).execute(&mut conn)?;
            Ok(EventListener(conn))
        };
        Some(listen())
    }

    /// Whether events were announced since the last call. It reads only what the connection has
    /// already received, so it never waits on the database; an error means the connection broke.
    pub fn heard(&mut self) -> Result<bool> {
        let mut heard = false;
        for notification in self.0.notifications_iter() {
            notification?;
            heard = true;
        }
        Ok(heard)
    }
}

/// The last cursor given (0 before any event).
pub fn last_cursor(conn: &mut DbConnection) -> Result<i64> {
    Ok(events::table.select(diesel::dsl::max(events::cursor)).first::<Option<i64>>(conn)?.unwrap_or(0))
}

/// What the caches follow of the feed: events about products and about applications.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct FollowedEvent {
    pub cursor: i64,
    /// The product it is about, if any.
    pub product_id: Option<String>,
    /// `application.*`: the review queue changed.
    pub event_type: String,
}

impl FollowedEvent {
    pub fn about_an_application(&self) -> bool {
        self.event_type.starts_with("application.")
    }
}

/// Events about products or applications after `cursor` (any seller), oldest first.
pub fn followed_events_after(conn: &mut DbConnection, cursor: i64, limit: i64) -> Result<Vec<FollowedEvent>> {
    Ok(events::table
        .filter(events::cursor.gt(cursor))
        .filter(events::product_id.is_not_null().or(events::event_type.like("application.%")))
        .order(events::cursor.asc())
        .limit(limit)
        .select((events::cursor.assume_not_null(), events::product_id, events::event_type))
        .load(conn)?)
}

/// The seller's events after `cursor`, oldest first.
pub fn events_after(conn: &mut DbConnection, seller_id: &str, cursor: i64, limit: i64) -> Result<Vec<EventRow>> {
    Ok(events::table
        .filter(events::seller_id.eq(seller_id).and(events::cursor.gt(cursor)))
        .order(events::cursor.asc())
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?)
}
