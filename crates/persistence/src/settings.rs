//! Marketplace settings set by admins (the holiday calendar), one versioned row per setting.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::schema::settings;
use crate::{DbConnection, Error, Result, now, to_db_time};

pub(crate) const HOLIDAYS: &str = "holidays";

pub(crate) fn parse_holidays(value: &str) -> Result<BTreeSet<NaiveDate>> {
    serde_json::from_str(value).map_err(|e| Error::Corrupt(format!("holidays: {e}")))
}

/// The holiday calendar and its version (0 before it was ever set).
pub fn holidays(conn: &mut DbConnection) -> Result<(BTreeSet<NaiveDate>, i64)> {
    let row: Option<(String, i64)> = settings::table
        .filter(settings::name.eq(HOLIDAYS))
        .select((settings::value, settings::version))
        .first(conn)
        .optional()?;
    match row {
        None => Ok((BTreeSet::new(), 0)),
        Some((value, version)) => Ok((parse_holidays(&value)?, version)),
    }
}

/// Replaces the holiday calendar if it is still at `expected_version`; returns the new version.
pub fn replace_holidays(conn: &mut DbConnection, dates: &BTreeSet<NaiveDate>, expected_version: i64) -> Result<i64> {
    let value = crate::to_json(dates)?;
    let at = to_db_time(now());
    let changed = if expected_version == 0 {
        diesel::insert_into(settings::table)
            .values((
                settings::name.eq(HOLIDAYS),
                settings::value.eq(&value),
                settings::version.eq(1),
                settings::updated_at.eq(at),
            ))
            .execute(conn)
            .map_err(|_| Error::VersionMismatch)?
    } else {
        diesel::update(settings::table.filter(settings::name.eq(HOLIDAYS).and(settings::version.eq(expected_version))))
            .set((settings::value.eq(&value), settings::version.eq(expected_version + 1), settings::updated_at.eq(at)))
            .execute(conn)?
    };
    if changed == 0 { Err(Error::VersionMismatch) } else { Ok(expected_version + 1) }
}
