//! A seller's reusable catalogue: attributes and pricing templates. Both are created within an
//! account bound, changed and deleted at the version the caller read; one generic flow serves both.

use shelf_domain::attribute::{Attribute, CatalogueAttribute};
use shelf_domain::limits::{MAX_ATTRIBUTES, MAX_PRICING_TEMPLATES};
use shelf_domain::pricing::template::{PricingTemplate, PricingTemplateBody};
use shelf_domain::refusal::check_account_room;
use shelf_domain::{Precondition, SellerId};
use shelf_persistence::{Db, DbConnection, attributes, pricing_templates};

use crate::{Error, Result};

type Store<T> = shelf_persistence::Result<T>;

/// A kind of versioned catalogue item and its data access.
pub trait Item: Sized {
    type Body;
    /// What the account bound counts, for its message.
    const WHAT: &'static str;
    const LIMIT: i64;
    fn version(&self) -> i64;
    fn count(c: &mut DbConnection, seller: &str) -> Store<i64>;
    fn insert(c: &mut DbConnection, seller: &str, body: &Self::Body) -> Store<Self>;
    fn get(c: &mut DbConnection, seller: &str, id: &str) -> Store<Self>;
    fn update(c: &mut DbConnection, seller: &str, id: &str, version: i64, body: &Self::Body) -> Store<Self>;
    fn delete(c: &mut DbConnection, seller: &str, id: &str, version: i64) -> Store<()>;
}

impl Item for Attribute {
    type Body = CatalogueAttribute;
    const WHAT: &'static str = "catalogue attributes";
    const LIMIT: i64 = MAX_ATTRIBUTES;
    fn version(&self) -> i64 {
        self.version
    }
    fn count(c: &mut DbConnection, seller: &str) -> Store<i64> {
        attributes::count_for_seller(c, seller)
    }
    fn insert(c: &mut DbConnection, seller: &str, body: &CatalogueAttribute) -> Store<Self> {
        attributes::insert(c, seller, body)
    }
    fn get(c: &mut DbConnection, seller: &str, id: &str) -> Store<Self> {
        attributes::get_for_seller(c, seller, id)
    }
    fn update(c: &mut DbConnection, seller: &str, id: &str, version: i64, body: &CatalogueAttribute) -> Store<Self> {
        attributes::update_if_version(c, seller, id, version, body)
    }
    fn delete(c: &mut DbConnection, seller: &str, id: &str, version: i64) -> Store<()> {
        attributes::delete_if_version(c, seller, id, version)
    }
}

impl Item for PricingTemplate {
    type Body = PricingTemplateBody;
    const WHAT: &'static str = "pricing templates";
    const LIMIT: i64 = MAX_PRICING_TEMPLATES;
    fn version(&self) -> i64 {
        self.version
    }
    fn count(c: &mut DbConnection, seller: &str) -> Store<i64> {
        pricing_templates::count_for_seller(c, seller)
    }
    fn insert(c: &mut DbConnection, seller: &str, body: &PricingTemplateBody) -> Store<Self> {
        pricing_templates::insert(c, seller, body)
    }
    fn get(c: &mut DbConnection, seller: &str, id: &str) -> Store<Self> {
        pricing_templates::get_for_seller(c, seller, id)
    }
    fn update(c: &mut DbConnection, seller: &str, id: &str, version: i64, body: &PricingTemplateBody) -> Store<Self> {
        pricing_templates::update_if_version(c, seller, id, version, body)
    }
    fn delete(c: &mut DbConnection, seller: &str, id: &str, version: i64) -> Store<()> {
        pricing_templates::delete_if_version(c, seller, id, version)
    }
}

/// Creates an item from a checked body, within the account bound.
pub fn create<T: Item>(db: &Db, seller: &SellerId, body: &T::Body) -> Result<T> {
    db.write(|c| {
        check_account_room(T::WHAT, T::count(c, seller.as_str())?, T::LIMIT)?;
        Ok(T::insert(c, seller.as_str(), body)?)
    })
}

/// Changes an item: `edit` turns the current item into the new checked body (its refusals come
/// first, whatever the precondition); then it is saved if still at the version the precondition names.
pub fn update<T: Item, E: From<Error>>(
    db: &Db,
    seller: &SellerId,
    id: &str,
    precondition: &Precondition,
    edit: impl FnOnce(&T) -> Result<T::Body, E>,
) -> Result<T, E> {
    let current = db.read(|c| T::get(c, seller.as_str(), id)).map_err(Error::from)?;
    let body = edit(&current)?;
    let version = precondition.check(current.version()).map_err(Error::from)?;
    Ok(db.write(|c| T::update(c, seller.as_str(), id, version, &body)).map_err(Error::from)?)
}

/// Deletes an item at the version the precondition names.
pub fn delete<T: Item>(db: &Db, seller: &SellerId, id: &str, precondition: &Precondition) -> Result<()> {
    db.write(|c| {
        let current = T::get(c, seller.as_str(), id)?;
        let version = precondition.check(current.version())?;
        Ok(T::delete(c, seller.as_str(), id, version)?)
    })
}
