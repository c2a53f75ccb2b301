//! What sellers are told: internal messages, the email/SMS outbox with its delivery claims,
//! notification settings, the contacts of accounts, and the event feed.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use shelf_domain::notification::{Channel, EventType, MAX_DELIVERY_ATTEMPTS, retry_delay_seconds};

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
        Some((emails, phones, version)) => {
            let parse =
                |s: &str| serde_json::from_str(s).map_err(|e| Error::Corrupt(format!("notification settings: {e}")));
            Ok((parse(&emails)?, parse(&phones)?, version))
        }
    }
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

/// Who hears about the seller's decisions: its settings, else its own contacts.
pub fn receivers(conn: &mut DbConnection, seller_id: &str) -> Result<(Vec<String>, Vec<String>)> {
    let (emails, phones, version) = settings_of(conn, seller_id)?;
    if version > 0 {
        return Ok((emails, phones));
    }
    let own: Option<(Option<String>, Option<String>)> =
        contacts::table.find(seller_id).select((contacts::email, contacts::phone)).first(conn).optional()?;
    let (email, phone) = own.unwrap_or_default();
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

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub cursor: i64,
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

/// Appends an event inside the caller's transaction. Appends are serialised (the SQLite writer lock;
/// a transaction-scoped advisory lock on PostgreSQL) so cursors increase in commit order.
pub fn append_event(conn: &mut DbConnection, seller_id: &str, event: EventType, subject: Subject<'_>) -> Result<i64> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7235061130431)").execute(pg)?;
    }
    let last: Option<i64> = events::table.select(diesel::dsl::max(events::cursor)).first(conn)?;
    let cursor = last.unwrap_or(0) + 1;
    diesel::insert_into(events::table)
        .values((
            events::cursor.eq(cursor),
            events::seller_id.eq(seller_id),
            events::event_type.eq(event.as_str()),
            events::at.eq(to_db_time(now())),
            events::application_id.eq(subject.application_id),
            events::product_id.eq(subject.product_id),
            events::draft_id.eq(subject.draft_id),
        ))
        .execute(conn)?;
    Ok(cursor)
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
