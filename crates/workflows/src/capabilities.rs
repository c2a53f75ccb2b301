//! Seller capabilities, set by admins without a review.

use shelf_domain::capability::Capabilities;
use shelf_domain::{Precondition, SellerId};
use shelf_persistence::{Db, capabilities};

use crate::Result;

/// The seller's capabilities and their version (0: never set).
pub fn get(db: &Db, seller: &SellerId) -> Result<(Capabilities, i64)> {
    Ok(db.read(|c| capabilities::of_seller(c, seller.as_str()))?)
}

/// Replaces the seller's capabilities if the precondition holds; returns the new version.
pub fn put(db: &Db, seller: &SellerId, to: &Capabilities, precondition: &Precondition) -> Result<i64> {
    db.write(|c| {
        let (_, current) = capabilities::of_seller(c, seller.as_str())?;
        let expected = precondition.check(current)?;
        Ok(capabilities::replace(c, seller.as_str(), to, expected)?)
    })
}
