//! Products: created by an approved release, changed by approved modifications, discontinued by removal.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shelf_domain::DraftContent;
use shelf_domain::content::DeliveryMethod;
use shelf_domain::product::{Product, ProductStatus, Removed};

use crate::page::keyset;
use crate::schema::products;
use crate::{DbConnection, Error, Page, Paged, Result, from_db_time, new_id, now, to_db_time, to_json};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = products)]
pub struct ProductRow {
    pub id: String,
    pub seller_id: String,
    pub status: String,
    pub delivery_method: Option<String>,
    pub search_text: String,
    pub content: String,
    pub removed: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<ProductRow> for Product {
    type Error = Error;

    fn try_from(row: ProductRow) -> Result<Product> {
        let corrupt = |what: &str, e: String| Error::Corrupt(format!("product {}: {what}: {e}", row.id));
        Ok(Product {
            status: row.status.parse().map_err(|e| corrupt("status", e))?,
            content: serde_json::from_str(&row.content).map_err(|e| corrupt("content", e.to_string()))?,
            removed: serde_json::from_str(&row.removed).map_err(|e| corrupt("removed", e.to_string()))?,
            id: row.id,
            seller_id: row.seller_id,
            version: row.version,
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
        })
    }
}

/// What the catalog's `?q=` searches: name and summary, lower-cased.
fn search_text(content: &DraftContent) -> String {
    format!("{}\n{}", content.name.as_deref().unwrap_or(""), content.summary.as_deref().unwrap_or("")).to_lowercase()
}

fn method_text(content: &DraftContent) -> Option<String> {
    content.delivery_method.and_then(|m| serde_json::to_value(m).ok()).and_then(|v| v.as_str().map(str::to_owned))
}

pub fn insert(conn: &mut DbConnection, seller_id: &str, content: &DraftContent) -> Result<Product> {
    let at = to_db_time(now());
    let row = ProductRow {
        id: new_id(),
        seller_id: seller_id.to_owned(),
        status: ProductStatus::for_content(content).as_str().to_owned(),
        delivery_method: method_text(content),
        search_text: search_text(content),
        content: to_json(content)?,
        removed: to_json(&Removed::default())?,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(products::table).values(&row).execute(conn)?;
    row.try_into()
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Product> {
    products::table.find(id).select(ProductRow::as_select()).first(conn).optional()?.ok_or(Error::NotFound)?.try_into()
}

pub fn get_for_seller(conn: &mut DbConnection, seller_id: &str, id: &str) -> Result<Product> {
    products::table
        .filter(products::seller_id.eq(seller_id).and(products::id.eq(id)))
        .select(ProductRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?
        .try_into()
}

pub fn list_for_seller(
    conn: &mut DbConnection,
    seller_id: &str,
    status: Option<ProductStatus>,
    page: &Page,
) -> Result<Paged<Product>> {
    let mut query = products::table.filter(products::seller_id.eq(seller_id)).into_boxed();
    if let Some(status) = status {
        query = query.filter(products::status.eq(status.as_str()));
    }
    let rows = keyset!(query, products::id, page).select(ProductRow::as_select()).load(conn)?;
    page.finish(rows, |r| r.id.clone()).try_map(Product::try_from)
}

/// Listed products (on sale), optionally searched and filtered.
pub fn catalog(
    conn: &mut DbConnection,
    q: Option<&str>,
    delivery_method: Option<DeliveryMethod>,
    page: &Page,
) -> Result<Paged<Product>> {
    let mut query = products::table.filter(products::status.eq(ProductStatus::OnSale.as_str())).into_boxed();
    if let Some(q) = q {
        query = query.filter(products::search_text.like(crate::drafts::like_contains(q)).escape('\\'));
    }
    if let Some(method) =
        delivery_method.and_then(|m| serde_json::to_value(m).ok()).and_then(|v| v.as_str().map(str::to_owned))
    {
        query = query.filter(products::delivery_method.eq(method));
    }
    let rows = keyset!(query, products::id, page).select(ProductRow::as_select()).load(conn)?;
    page.finish(rows, |r| r.id.clone()).try_map(Product::try_from)
}

/// Replaces the live content (an approved modification); the status follows `public_sales` unless
/// the product is discontinued.
pub fn replace_content(conn: &mut DbConnection, product: &Product, content: &DraftContent) -> Result<Product> {
    let status = match product.status {
        ProductStatus::Discontinued => ProductStatus::Discontinued,
        _ => ProductStatus::for_content(content),
    };
    save(conn, product, status, content, &product.removed)
}

/// Stores what was removed, and the status that follows.
pub fn set_removed(
    conn: &mut DbConnection,
    product: &Product,
    status: ProductStatus,
    removed: &Removed,
) -> Result<Product> {
    save(conn, product, status, &product.content, removed)
}

fn save(
    conn: &mut DbConnection,
    product: &Product,
    status: ProductStatus,
    content: &DraftContent,
    removed: &Removed,
) -> Result<Product> {
    let target = products::table.filter(products::id.eq(&product.id).and(products::version.eq(product.version)));
    let changed = diesel::update(target)
        .set((
            products::status.eq(status.as_str()),
            products::delivery_method.eq(method_text(content)),
            products::search_text.eq(search_text(content)),
            products::content.eq(to_json(content)?),
            products::removed.eq(to_json(removed)?),
            products::version.eq(product.version + 1),
            products::updated_at.eq(to_db_time(now())),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(Error::Conflict("the product changed meanwhile; try again".into()));
    }
    get(conn, &product.id)
}
