//! Settings: a seller's notification receivers, the marketplace's holiday calendar.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use shelf_domain::contact::Receivers;
use shelf_domain::{Precondition, SellerId};
use shelf_persistence::{Db, notifications, settings};

use crate::Result;

/// Replaces the seller's receivers (already checked: `Receivers::new`); returns the new version.
pub fn put_receivers(db: &Db, seller: &SellerId, receivers: &Receivers, precondition: &Precondition) -> Result<i64> {
    db.write(|c| {
        let (_, current) = notifications::settings_of(c, seller.as_str())?;
        let expected = precondition.check(current)?;
        Ok(notifications::put_settings(c, seller.as_str(), receivers, expected)?)
    })
}

/// Replaces the holiday calendar (already checked: `calendar::parse_holidays`); returns the new version.
pub fn put_holidays(db: &Db, dates: &BTreeSet<NaiveDate>, precondition: &Precondition) -> Result<i64> {
    db.write(|c| {
        let (_, current) = settings::holidays(c)?;
        let expected = precondition.check(current)?;
        Ok(settings::replace_holidays(c, dates, expected)?)
    })
}
