//! The public catalog: listed products, any product by its URL (hidden too), and quotes.

pub mod cache;
mod get;
mod list;
pub mod packing;
mod quote;
pub mod reader;
mod upgrade_quote;

use actix_web::HttpResponse;
use actix_web::http::header::{CACHE_CONTROL, ETAG, HeaderValue};
use actix_web::web::Bytes;
use shelf_domain::product::{Product, ProductStatus};

use crate::etag::IfNoneMatch;
use crate::problem::ApiError;

pub fn configure(cfg: &mut impl crate::routes::Routes) {
    cfg.service(list::list).service(get::get).service(quote::quote).service(upgrade_quote::upgrade_quote);
}

/// How long any cache may keep a product (its entry changes only with a new version).
const PRODUCT_CACHE_CONTROL: &str = "public, max-age=60";
/// How long any cache may keep a list page (new listings appear on it).
const PAGE_CACHE_CONTROL: &str = "public, max-age=30";

/// The region a catalog request asks about: its `?region=` (an ISO 3166-1 alpha-2 code, else 400),
/// or the configured default.
fn region(asked: Option<String>, state: &crate::AppState) -> Result<Option<String>, ApiError> {
    match asked {
        Some(code) if !shelf_domain::region::is_region(&code) => Err(ApiError::bad_parameter(
            "region",
            shelf_domain::ViolationCode::InvalidFormat,
            format!("`{code}` is not an ISO 3166-1 alpha-2 code"),
        )),
        Some(code) => Ok(Some(code)),
        None => Ok(state.catalog_default_region.clone()),
    }
}

/// A discontinued product is gone from the catalog: 410.
fn offered(product: Product) -> Result<Product, ApiError> {
    if product.status == ProductStatus::Discontinued {
        return Err(ApiError::Gone("the product was removed from the catalog".into()));
    }
    Ok(product)
}

/// A catalog response with its ETag and cache policy: 304 when the client's copy is current,
/// else the stored JSON as it is.
fn respond_cached(
    if_none_match: &IfNoneMatch,
    etag: String,
    cache_control: &'static str,
    json: impl Into<Bytes>,
) -> HttpResponse {
    let fresh = if_none_match.matches(&etag);
    let mut builder = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    builder.insert_header((ETAG, etag)).insert_header((CACHE_CONTROL, HeaderValue::from_static(cache_control)));
    if fresh { builder.finish() } else { builder.content_type("application/json").body(json.into()) }
}
