//! A seller's listed products: removal of the product, a specification or a SKU.

use shelf_domain::notification::{EventType, invalid_rule_message, sold_out_message};
use shelf_domain::product::{Inventory, Offer, Product, ProductStatus, Removal};
use shelf_domain::sales::{SalesSettings, UpgradeRule};
use shelf_domain::{Precondition, ProductId, Refusal, SellerId};
use shelf_persistence::notifications::{self, Subject};
use shelf_persistence::{Db, DbConnection, now, products};

use crate::Result;

/// Removes the product or a part of it, at once and for good (`Product::remove` decides what that
/// changes); records the event. Repeating a removal changes nothing and records nothing.
pub fn remove(db: &Db, seller: &SellerId, id: &ProductId, removal: &Removal) -> Result<Product> {
    db.write(|c| {
        let stored = products::get_for_seller(c, seller.as_str(), id.as_str())?;
        let mut product = stored.clone();
        let Some(event) = product.remove(removal)? else { return Ok(product) };
        let saved = products::set_removed(c, &stored, product.status, &product.removed)?;
        let saved = refresh_upgrade_rules(c, saved)?;
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

/// A listed product's sales settings, with the product's version as their ETag.
pub fn sales(db: &Db, seller: &SellerId, id: &ProductId) -> Result<(SalesSettings, i64)> {
    let product = db.read(|c| products::get_for_seller(c, seller.as_str(), id.as_str()))?;
    Ok((product.offer.sales, product.version))
}

/// Replaces a listed product's sales settings, at once and without a review: checked against the
/// product as it is now (every broken rule at once), then stored with the status they give it (every
/// specification hidden hides the product); the feed records the change.
pub fn set_sales(
    db: &Db,
    seller: &SellerId,
    id: &ProductId,
    precondition: &Precondition,
    mut settings: SalesSettings,
) -> Result<(SalesSettings, i64)> {
    db.write(|c| {
        let stored = products::get_for_seller(c, seller.as_str(), id.as_str())?;
        precondition.check(stored.version)?;
        if stored.status == ProductStatus::Discontinued {
            return Err(Refusal::Conflict("a discontinued product is not sold".into()).into());
        }
        for rule in &mut settings.upgrade_rules {
            // The rule's state is Shelf's to say: a new rule starts valid.
            *rule = UpgradeRule {
                specification: rule.specification.clone(),
                from_sku: rule.from_sku.clone(),
                to_sku: rule.to_sku.clone(),
                ..Default::default()
            };
        }
        let violations = settings.check(&stored);
        if !violations.is_empty() {
            return Err(Refusal::Invalid(violations).into());
        }
        let offer = Offer { sales: settings, ..stored.offer.clone() };
        let saved = products::set_offer(c, &stored, offer)?;
        let subject = Subject { product_id: Some(&saved.id), ..Default::default() };
        notifications::append_event(c, &saved.seller_id, EventType::ProductSalesChanged, subject)?;
        Ok((saved.offer.sales, saved.version))
    })
}

/// After a product changed (an approved modification, a removal): marks the upgrade rules that no
/// longer hold, tells the seller which, and stores them. Returns the product as stored.
pub fn refresh_upgrade_rules(c: &mut DbConnection, product: Product) -> Result<Product> {
    let mut sales = product.offer.sales.clone();
    let newly = sales.refresh_upgrade_rules(&product, now());
    if newly.is_empty() {
        return Ok(product);
    }
    let name = product.content.name.clone().unwrap_or_default();
    for rule in &newly {
        let (subject, body) = invalid_rule_message(&name, rule);
        notifications::add_message(c, &product.seller_id, None, &subject, &body)?;
    }
    let offer = Offer { sales, ..product.offer.clone() };
    Ok(products::set_offer(c, &product, offer)?)
}
