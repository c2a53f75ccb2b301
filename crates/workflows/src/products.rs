//! A seller's listed products: removal of the product, a specification or a SKU.

use shelf_domain::product::{Product, Removal};
use shelf_domain::{ProductId, SellerId};
use shelf_persistence::notifications::{self, Subject};
use shelf_persistence::{Db, products};

use crate::Result;

/// Removes the product or a part of it, at once and for good (`Product::remove` decides what that
/// changes); records the event. Repeating a removal changes nothing and records nothing.
pub fn remove(db: &Db, seller: &SellerId, id: &ProductId, removal: &Removal) -> Result<Product> {
    db.write(|c| {
        let stored = products::get_for_seller(c, seller.as_str(), id.as_str())?;
        let mut product = stored.clone();
        let Some(event) = product.remove(removal)? else { return Ok(product) };
        let saved = products::set_removed(c, &stored, product.status, &product.removed)?;
        let subject = Subject { product_id: Some(&saved.id), ..Default::default() };
        notifications::append_event(c, &saved.seller_id, event, subject)?;
        Ok(saved)
    })
}
