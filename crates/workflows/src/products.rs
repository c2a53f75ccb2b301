//! A seller's listed products: removal of the product, a specification or a SKU.

use shelf_domain::notification::{EventType, sold_out_message};
use shelf_domain::product::{Inventory, Product, Removal};
use shelf_domain::{Precondition, ProductId, SellerId};
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

/// A hardware product's inventory (stock per SKU code), with the product's version as its ETag.
pub fn inventory(db: &Db, seller: &SellerId, id: &ProductId) -> Result<(Inventory, i64)> {
    let product = db.read(|c| products::get_for_seller(c, seller.as_str(), id.as_str()))?;
    Ok((Inventory { stock: product.offer.stock }, product.version))
}

/// Sets a hardware product's stock, at once and without a review (`Product::set_stock` decides what
/// it may hold); the catalog shows the new stock, the seller hears of every SKU it leaves sold out,
/// and the feed records the change. Returns the new inventory and version.
pub fn set_inventory(
    db: &Db,
    seller: &SellerId,
    id: &ProductId,
    precondition: &Precondition,
    inventory: Inventory,
) -> Result<(Inventory, i64)> {
    db.write(|c| {
        let stored = products::get_for_seller(c, seller.as_str(), id.as_str())?;
        precondition.check(stored.version)?;
        let mut product = stored.clone();
        let sold_out = product.set_stock(inventory)?;
        let saved = products::set_offer(c, &stored, product.offer)?;
        if !sold_out.is_empty() {
            let (subject, body) = sold_out_message(saved.content.name.as_deref().unwrap_or(""), &sold_out);
            notifications::add_message(c, &saved.seller_id, None, &subject, &body)?;
        }
        let subject = Subject { product_id: Some(&saved.id), ..Default::default() };
        notifications::append_event(c, &saved.seller_id, EventType::ProductInventoryChanged, subject)?;
        Ok((Inventory { stock: saved.offer.stock }, saved.version))
    })
}
