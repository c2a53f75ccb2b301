//! Who hears about decisions: the seller's notification settings and the accounts' own contacts.

use diesel::prelude::*;
use shelf_domain::contact::Receivers;

use crate::schema::{account_contacts as contacts, notification_settings as settings};
use crate::{DbConnection, Error, Result, now, to_db_time, to_json};

/// The seller's notification receivers and their version (0 before they were ever set).
pub fn settings_of(conn: &mut DbConnection, seller_id: &str) -> Result<(Receivers, i64)> {
    let row: Option<(String, String, i64)> = settings::table
        .find(seller_id)
        .select((settings::emails, settings::phones, settings::version))
        .first(conn)
        .optional()?;
    match row {
        None => Ok((Receivers::default(), 0)),
        Some((emails, phones, version)) => {
            Ok((Receivers { emails: parse_receivers(&emails)?, phones: parse_receivers(&phones)? }, version))
        }
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
    receivers: &Receivers,
    expected_version: i64,
) -> Result<i64> {
    let at = to_db_time(now());
    let changed = if expected_version == 0 {
        diesel::insert_into(settings::table)
            .values((
                settings::seller_id.eq(seller_id),
                settings::emails.eq(to_json(&receivers.emails)?),
                settings::phones.eq(to_json(&receivers.phones)?),
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
            settings::emails.eq(to_json(&receivers.emails)?),
            settings::phones.eq(to_json(&receivers.phones)?),
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

/// A seller's notification settings (emails, phones, version) and own contacts (email, phone), as
/// read by scalar subqueries: what `pick_receivers` chooses from.
pub(crate) type ReceiverColumns = (Option<String>, Option<String>, Option<i64>, Option<String>, Option<String>);

/// The settings' receivers once set (version > 0), else the seller's own contacts.
pub(crate) fn pick_receivers((emails, phones, version, email, phone): ReceiverColumns) -> Result<Receivers> {
    if version.unwrap_or(0) > 0 {
        let parse = |s: Option<String>| parse_receivers(s.as_deref().unwrap_or("[]"));
        return Ok(Receivers { emails: parse(emails)?, phones: parse(phones)? });
    }
    Ok(Receivers { emails: email.into_iter().collect(), phones: phone.into_iter().collect() })
}

/// Who hears about a decision on the seller's things (`pick_receivers`), in two reads.
pub fn receivers_of(conn: &mut DbConnection, seller_id: &str) -> Result<Receivers> {
    let set: Option<(String, String, i64)> = settings::table
        .find(seller_id)
        .select((settings::emails, settings::phones, settings::version))
        .first(conn)
        .optional()?;
    let own: Option<(Option<String>, Option<String>)> =
        contacts::table.find(seller_id).select((contacts::email, contacts::phone)).first(conn).optional()?;
    let (emails, phones, version) = set.map(|(e, p, v)| (Some(e), Some(p), Some(v))).unwrap_or_default();
    let (email, phone) = own.unwrap_or_default();
    pick_receivers((emails, phones, version, email, phone))
}
