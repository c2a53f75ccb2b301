//! The public catalog: listed products, any product by its URL (hidden too), and quotes.

mod get;
mod list;
mod quote;

use actix_web::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use shelf_domain::DraftContent;
use shelf_domain::product::{Product, ProductStatus};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::problem::ApiError;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list).service(get::get).service(quote::quote);
}

/// A product as the catalog offers it: removed specifications and SKUs are left out.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogProduct {
    pub id: String,
    /// `on_sale` (listed) or `hidden` (reachable by its URL only).
    pub status: ProductStatus,
    pub content: DraftContent,
    pub updated_at: DateTime<Utc>,
}

impl From<&Product> for CatalogProduct {
    fn from(p: &Product) -> Self {
        CatalogProduct { id: p.id.clone(), status: p.status, content: p.offered_content(), updated_at: p.updated_at }
    }
}

/// A discontinued product is gone from the catalog: 410.
fn offered(product: Product) -> Result<Product, ApiError> {
    if product.status == ProductStatus::Discontinued {
        return Err(ApiError::Gone("the product was removed from the catalog".into()));
    }
    Ok(product)
}

/// A catalog entry with its ETag and cache policy; 304 when the client's copy is current.
fn respond_cached(req: &HttpRequest, product: &Product) -> HttpResponse {
    let etag = format!("\"{}\"", product.version);
    let fresh = req
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut builder = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    builder.insert_header((ETAG, etag)).insert_header((CACHE_CONTROL, "public, max-age=60"));
    if fresh { builder.finish() } else { builder.json(CatalogProduct::from(product)) }
}
