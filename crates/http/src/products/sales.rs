//! A listed product's sales configuration: regions, purchase limits, hidden specifications, a SaaS
//! trial and upgrade rules, effective at once without a review.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, put, web};
use shelf_domain::ProductId;
use shelf_domain::sales::SalesSettings;
use shelf_workflows as workflows;

use crate::auth::Seller;
use crate::etag::{IfMatch, respond_versioned};
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};

fn respond((sales, version): (SalesSettings, i64)) -> HttpResponse {
    respond_versioned(StatusCode::OK, version, String::new, sales)
}

/// Gets a product's sales configuration (its ETag is the product's).
#[utoipa::path(
    operation_id = "getProductSalesSettings",
    tag = "products",
    params(("id" = String, Path, description = "Product id")),
    responses(
        (status = 200, description = "The sales configuration", body = SalesSettings, headers(("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such product (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/products/{id}/sales")]
pub async fn get(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (db, id) = (state.db.clone(), ProductId(id.into_inner()));
    let sales = blocking(move || Ok(workflows::products::sales(&db, &seller.seller_id(), &id)?)).await?;
    Ok(respond(sales))
}

/// Replaces a listed product's sales configuration: effective at once in the catalog and its quotes, no
/// review. Every broken rule is reported at once; every specification hidden hides the product.
#[utoipa::path(
    operation_id = "putProductSalesSettings",
    tag = "products",
    params(
        ("id" = String, Path, description = "Product id"),
        ("If-Match" = String, Header, description = "The product's current ETag"),
    ),
    request_body = SalesSettings,
    responses(
        (status = 200, description = "The new sales configuration", body = SalesSettings, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such product (or another seller's)"),
        (status = 409, description = "The product is discontinued"),
        (status = 412, description = "If-Match does not match the current ETag"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "A broken rule: an unknown region or specification, a limit off the grid, a trial where none exists, an upgrade to a cheaper SKU"),
        (status = 428, description = "If-Match is missing"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[put("/products/{id}/sales")]
pub async fn put(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    if_match: IfMatch,
    JsonBody(body): JsonBody<SalesSettings>,
) -> Result<HttpResponse, ApiError> {
    let (db, id) = (state.db.clone(), ProductId(id.into_inner()));
    let product = id.clone();
    let set = blocking(move || Ok(workflows::products::set_sales(&db, &seller.seller_id(), &id, &if_match.0, body)?));
    let sales = set.await?;
    state.catalog_cache.invalidate(product.as_str());
    Ok(respond(sales))
}
