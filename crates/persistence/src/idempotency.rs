//! Idempotency keys: per (account, key), the fingerprint of the first request and its response.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::schema::idempotency_keys as keys;
use crate::{DbConnection, Result, to_db_time};

/// A request still marked in flight after this long is taken to have died with its server.
const ABANDONED_AFTER_SECONDS: i64 = 60;

/// The first response to a key, replayed for every retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    /// JSON object of the headers that matter (content type, location, ETag).
    pub headers: String,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// The key is new (or expired): the caller acts, then `complete`s or `abandon`s it.
    Started,
    /// The same request was answered before: replay this.
    Replay(StoredResponse),
    /// The same key is being acted on right now.
    InFlight,
    /// The key was used with another request.
    Mismatch,
}

#[derive(Queryable)]
struct KeyRow {
    fingerprint: String,
    status: Option<i32>,
    headers: Option<String>,
    body: Option<Vec<u8>>,
    created_at: chrono::NaiveDateTime,
    expires_at: chrono::NaiveDateTime,
}

/// Claims `key` for a request with `fingerprint`, or says why not.
pub fn begin(
    conn: &mut DbConnection,
    account_id: &str,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<Begin> {
    let this = keys::table.filter(keys::account_id.eq(account_id).and(keys::idempotency_key.eq(key)));
    let existing: Option<KeyRow> = this
        .select((keys::fingerprint, keys::status, keys::headers, keys::body, keys::created_at, keys::expires_at))
        .first(conn)
        .optional()?;
    let now_db = to_db_time(now);
    if let Some(row) = existing {
        let abandoned =
            row.status.is_none() && row.created_at < to_db_time(now - Duration::seconds(ABANDONED_AFTER_SECONDS));
        if row.expires_at > now_db && !abandoned {
            // In flight first: a concurrent request waits for the first, whatever it is.
            return Ok(match (row.status, row.headers, row.body) {
                (Some(status), Some(headers), Some(body)) if row.fingerprint == fingerprint => {
                    Begin::Replay(StoredResponse { status: u16::try_from(status).unwrap_or(500), headers, body })
                }
                (Some(_), _, _) => Begin::Mismatch,
                _ => Begin::InFlight,
            });
        }
        diesel::delete(this).execute(conn)?;
    }
    let inserted = diesel::insert_into(keys::table)
        .values((
            keys::account_id.eq(account_id),
            keys::idempotency_key.eq(key),
            keys::fingerprint.eq(fingerprint),
            keys::created_at.eq(now_db),
            keys::expires_at.eq(to_db_time(now + ttl)),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(Begin::Started),
        // Another request claimed the key between our read and our insert.
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(Begin::InFlight),
        Err(e) => Err(e.into()),
    }
}

/// Stores the response of a request that `begin` started.
pub fn complete(conn: &mut DbConnection, account_id: &str, key: &str, response: &StoredResponse) -> Result<()> {
    diesel::update(keys::table.filter(keys::account_id.eq(account_id).and(keys::idempotency_key.eq(key))))
        .set((
            keys::status.eq(Some(i32::from(response.status))),
            keys::headers.eq(Some(&response.headers)),
            keys::body.eq(Some(&response.body)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Releases a key whose request failed on our side, so that a retry acts again.
pub fn abandon(conn: &mut DbConnection, account_id: &str, key: &str) -> Result<()> {
    diesel::delete(keys::table.filter(keys::account_id.eq(account_id).and(keys::idempotency_key.eq(key))))
        .execute(conn)?;
    Ok(())
}

/// Deletes expired keys; returns how many.
pub fn purge_expired(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize> {
    Ok(diesel::delete(keys::table.filter(keys::expires_at.le(to_db_time(now)))).execute(conn)?)
}
