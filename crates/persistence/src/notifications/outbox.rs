//! The email/SMS outbox: enqueued in the change's transaction, claimed and delivered by workers.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use shelf_domain::notification::{Channel, MAX_DELIVERY_ATTEMPTS, retry_delay_seconds};

use crate::schema::outbox;
use crate::{DbConnection, Result, from_db_time, new_id, now, to_db_time};

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
/// Notifications waiting for delivery, and when the oldest of them was enqueued.
pub fn outbox_backlog(conn: &mut DbConnection) -> Result<(i64, Option<DateTime<Utc>>)> {
    let pending = outbox::table.filter(outbox::status.eq("pending"));
    let count = pending.count().get_result(conn)?;
    let oldest: Option<NaiveDateTime> = pending.select(diesel::dsl::min(outbox::created_at)).first(conn)?;
    Ok((count, oldest.map(from_db_time)))
}

/// How many notifications are in each state (for tests and operations).
pub fn outbox_counts(conn: &mut DbConnection) -> Result<Vec<(String, i64)>> {
    Ok(outbox::table.group_by(outbox::status).select((outbox::status, diesel::dsl::count_star())).load(conn)?)
}
