//! The seller's products: read them, start a modification, remove them or parts of them.

mod get;
mod inventory;
mod list;
mod modify;
mod remove;
mod sales;

use chrono::{DateTime, Utc};
use serde::Serialize;
use shelf_domain::DraftContent;
use shelf_domain::product::{Product, ProductStatus, Removed};
use utoipa::ToSchema;

use crate::etag::respond;

pub fn configure(cfg: &mut impl crate::routes::Routes) {
    cfg.service(list::list)
        .service(get::get)
        .service(inventory::get)
        .service(inventory::put)
        .service(sales::get)
        .service(sales::put)
        .service(modify::modify)
        .service(remove::remove_product)
        .service(remove::remove_specification)
        .service(remove::remove_sku);
}

/// A product as its seller sees it: the live content, and what was removed from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductResponse {
    pub id: String,
    pub status: ProductStatus,
    pub content: DraftContent,
    pub removed: Removed,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Product> for ProductResponse {
    fn from(p: Product) -> Self {
        ProductResponse {
            id: p.id,
            status: p.status,
            content: p.content,
            removed: p.removed,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

crate::etag::versioned!(Product => ProductResponse, "/v1/products");
