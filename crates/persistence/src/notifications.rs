//! What sellers are told: internal messages, the email/SMS outbox with its delivery claims,
//! notification settings, the contacts of accounts, and the event feed.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use shelf_domain::notification::{Channel, EventType, MAX_DELIVERY_ATTEMPTS, retry_delay_seconds};

use crate::KeepPrepared;
use crate::page::keyset;
use crate::schema::{account_contacts as contacts, events, messages, notification_settings as settings, outbox};
use crate::{DbConnection, Error, Page, Paged, Result, from_db_time, new_id, now, to_db_time, to_json};

// ---- messages ----

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: String,
    pub seller_id: String,
    pub application_id: Option<String>,
    pub subject: String,
    pub body: String,
    pub read_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl MessageRow {
    pub fn read_at(&self) -> Option<DateTime<Utc>> {
        self.read_at.map(from_db_time)
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        from_db_time(self.created_at)
    }
}

pub fn add_message(
    conn: &mut DbConnection,
    seller_id: &str,
    application_id: Option<&str>,
    subject: &str,
    body: &str,
) -> Result<()> {
    diesel::insert_into(messages::table)
        .values((
            messages::id.eq(new_id()),
            messages::seller_id.eq(seller_id),
            messages::application_id.eq(application_id),
            messages::subject.eq(subject),
            messages::body.eq(body),
            messages::created_at.eq(to_db_time(now())),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn list_messages(
    conn: &mut DbConnection,
    seller_id: &str,
    unread_only: bool,
    page: &Page,
) -> Result<Paged<MessageRow>> {
    let mut query = messages::table.filter(messages::seller_id.eq(seller_id)).into_boxed();
    if unread_only {
        query = query.filter(messages::read_at.is_null());
    }
    let rows = keyset!(query, messages::id, page).select(MessageRow::as_select()).load(conn)?;
    Ok(page.finish(rows, |r| r.id.clone()))
}

/// Marks a message read (once; repeating keeps the first time).
pub fn mark_read(conn: &mut DbConnection, seller_id: &str, id: &str) -> Result<MessageRow> {
    let this = messages::table.filter(messages::seller_id.eq(seller_id).and(messages::id.eq(id)));
    diesel::update(this.filter(messages::read_at.is_null()))
        .set(messages::read_at.eq(Some(to_db_time(now()))))
        .execute(conn)?;
    this.select(MessageRow::as_select()).first(conn).optional()?.ok_or(Error::NotFound)
}

// ---- settings and contacts ----

/// The seller's notification receivers and their version (0 before they were ever set).
pub fn settings_of(conn: &mut DbConnection, seller_id: &str) -> Result<(Vec<String>, Vec<String>, i64)> {
    let row: Option<(String, String, i64)> = settings::table
        .find(seller_id)
        .select((settings::emails, settings::phones, settings::version))
        .first(conn)
        .optional()?;
    match row {
        None => Ok((Vec::new(), Vec::new(), 0)),
        Some((emails, phones, version)) => Ok((parse_receivers(&emails)?, parse_receivers(&phones)?, version)),
    }
}

/// A stored list of emails or phones.
fn parse_receivers(stored: &str) -> Result<Vec<String>> {
    serde_json::from_str(stored).map_err(|e| Error::Corrupt(format!("notification settings: {e}")))
}

/// Replaces the receivers if still at `expected_version`; returns the new version.
pub fn put_settings(
    conn: &mut DbConnection,
    seller_id: &str,
    emails: &[String],
    phones: &[String],
    expected_version: i64,
) -> Result<i64> {
    let at = to_db_time(now());
    let changed = if expected_version == 0 {
        diesel::insert_into(settings::table)
            .values((
                settings::seller_id.eq(seller_id),
                settings::emails.eq(to_json(&emails)?),
                settings::phones.eq(to_json(&phones)?),
                settings::version.eq(1),
                settings::updated_at.eq(at),
            ))
            .execute(conn)
            .map_err(|_| Error::VersionMismatch)?
    } else {
        diesel::update(
            settings::table.filter(settings::seller_id.eq(seller_id).and(settings::version.eq(expected_version))),
        )
        .set((
            settings::emails.eq(to_json(&emails)?),
            settings::phones.eq(to_json(&phones)?),
            settings::version.eq(expected_version + 1),
            settings::updated_at.eq(at),
        ))
        .execute(conn)?
    };
    if changed == 0 { Err(Error::VersionMismatch) } else { Ok(expected_version + 1) }
}

/// Remembers an account's own email and phone (from its token), the default receivers.
pub fn remember_contacts(
    conn: &mut DbConnection,
    account_id: &str,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<()> {
    let at = to_db_time(now());
    let updated = diesel::update(contacts::table.find(account_id))
        .set((contacts::email.eq(email), contacts::phone.eq(phone), contacts::updated_at.eq(at)))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(contacts::table)
            .values((
                contacts::account_id.eq(account_id),
                contacts::email.eq(email),
                contacts::phone.eq(phone),
                contacts::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Who hears about the seller's decisions: emails and phones.
pub type Receivers = (Vec<String>, Vec<String>);

/// A seller's notification settings (emails, phones, version) and own contacts (email, phone), as
/// read by scalar subqueries: what `pick_receivers` chooses from.
pub(crate) type ReceiverColumns = (Option<String>, Option<String>, Option<i64>, Option<String>, Option<String>);

/// The settings' receivers once set (version > 0), else the seller's own contacts.
pub(crate) fn pick_receivers((emails, phones, version, email, phone): ReceiverColumns) -> Result<Receivers> {
    if version.unwrap_or(0) > 0 {
        let parse = |s: Option<String>| parse_receivers(s.as_deref().unwrap_or("[]"));
        return Ok((parse(emails)?, parse(phones)?));
    }
    Ok((email.into_iter().collect(), phone.into_iter().collect()))
}

// ---- outbox ----

pub fn enqueue(conn: &mut DbConnection, channel: Channel, recipient: &str, subject: &str, body: &str) -> Result<()> {
    let at = to_db_time(now());
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(new_id()),
            outbox::channel.eq(channel.as_str()),
            outbox::recipient.eq(recipient),
            outbox::subject.eq(subject),
            outbox::body.eq(body),
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(at),
            outbox::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A notification claimed for one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: String,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
    pub claim: String,
}

/// Claims up to `limit` due notifications for `lease`. A claim is a conditional update, so two
/// workers (or two instances) never hold the same row; a worker that dies leaves its claim to expire.
pub fn claim_due(conn: &mut DbConnection, limit: i64, lease: Duration) -> Result<Vec<Claimed>> {
    let at = now();
    let now_db = to_db_time(at);
    let candidates: Vec<(String, String, String, String, String, i32)> = outbox::table
        .filter(outbox::status.eq("pending").and(outbox::next_attempt_at.le(now_db)))
        .filter(outbox::claimed_until.is_null().or(outbox::claimed_until.lt(now_db)))
        .order(outbox::next_attempt_at.asc())
        .limit(limit)
        .select((outbox::id, outbox::channel, outbox::recipient, outbox::subject, outbox::body, outbox::attempts))
        .load(conn)?;
    let mut claimed = Vec::new();
    for (id, channel, recipient, subject, body, attempts) in candidates {
        let claim = new_id();
        let won = diesel::update(
            outbox::table
                .filter(outbox::id.eq(&id).and(outbox::status.eq("pending")))
                .filter(outbox::claimed_until.is_null().or(outbox::claimed_until.lt(now_db))),
        )
        .set((
            outbox::claim.eq(Some(&claim)),
            outbox::claimed_until.eq(Some(to_db_time(at + lease))),
            outbox::attempts.eq(attempts + 1),
        ))
        .execute(conn)?;
        if won == 1 {
            let channel = if channel == "sms" { Channel::Sms } else { Channel::Email };
            claimed.push(Claimed { id, channel, recipient, subject, body, attempts: attempts + 1, claim });
        }
    }
    Ok(claimed)
}

/// Marks a claimed notification delivered (only while the claim is still ours).
pub fn delivered(conn: &mut DbConnection, item: &Claimed) -> Result<bool> {
    let changed = diesel::update(outbox::table.filter(outbox::id.eq(&item.id).and(outbox::claim.eq(&item.claim))))
        .set((
            outbox::status.eq("delivered"),
            outbox::delivered_at.eq(Some(to_db_time(now()))),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Records a failed attempt: retried later with backoff, or given up after the last attempt.
pub fn failed(conn: &mut DbConnection, item: &Claimed, error: &str) -> Result<()> {
    let give_up = item.attempts >= MAX_DELIVERY_ATTEMPTS;
    let next = now() + Duration::seconds(retry_delay_seconds(item.attempts));
    diesel::update(outbox::table.filter(outbox::id.eq(&item.id).and(outbox::claim.eq(&item.claim))))
        .set((
            outbox::status.eq(if give_up { "failed" } else { "pending" }),
            outbox::next_attempt_at.eq(to_db_time(next)),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// How many notifications are in each state (for tests and operations).
pub fn outbox_counts(conn: &mut DbConnection) -> Result<Vec<(String, i64)>> {
    Ok(outbox::table.group_by(outbox::status).select((outbox::status, diesel::dsl::count_star())).load(conn)?)
}

// ---- events ----

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
    let rows: Vec<NewEventRow> = events
        .iter()
        .enumerate()
        .map(|(i, (event, subject))| NewEventRow {
            cursor: first.map(|c| c + i as i64),
            seller_id: seller_id.to_owned(),
            event_type: event.as_str().to_owned(),
            at,
            application_id: subject.application_id.map(str::to_owned),
            product_id: subject.product_id.map(str::to_owned),
            draft_id: subject.draft_id.map(str::to_owned),
        })
        .collect();
    let insert = diesel::insert_into(events::table).values(&rows);
    // diesel builds the multi-row insert its own way on SQLite; PostgreSQL's is one statement to keep.
    match conn {
        DbConnection::Pg(c) => insert.prepared().execute(c)?,
        DbConnection::Sqlite(c) => insert.execute(c)?,
    };
    Ok(())
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

/// The last cursor given (0 before any event).
pub fn last_cursor(conn: &mut DbConnection) -> Result<i64> {
    Ok(events::table.select(diesel::dsl::max(events::cursor)).first::<Option<i64>>(conn)?.unwrap_or(0))
}

/// Events about products after `cursor` (any seller), oldest first: (cursor, product id).
pub fn product_events_after(conn: &mut DbConnection, cursor: i64, limit: i64) -> Result<Vec<(i64, String)>> {
    Ok(events::table
        .filter(events::cursor.gt(cursor).and(events::product_id.is_not_null()))
        .order(events::cursor.asc())
        .limit(limit)
        .select((events::cursor.assume_not_null(), events::product_id.assume_not_null()))
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
