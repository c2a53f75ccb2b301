//! A hardware product's inventory: stock per SKU, set at once without a review.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, put, web};
use shelf_domain::ProductId;
use shelf_domain::product::Inventory;
use shelf_workflows as workflows;

use crate::auth::Seller;
use crate::etag::{IfMatch, respond_versioned};
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};

fn respond((inventory, version): (Inventory, i64)) -> HttpResponse {
    respond_versioned(StatusCode::OK, version, String::new, inventory)
}

/// Gets a product's inventory (its ETag is the product's).
#[utoipa::path(
    operation_id = "getProductInventory",
    tag = "products",
    params(("id" = String, Path, description = "Product id")),
    responses(
        (status = 200, description = "Stock per SKU code", body = Inventory, headers(("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such product (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/products/{id}/inventory")]
pub async fn get(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (db, id) = (state.db.clone(), ProductId(id.into_inner()));
    let inventory = blocking(move || Ok(workflows::products::inventory(&db, &seller.seller_id(), &id)?)).await?;
    Ok(respond(inventory))
}

/// Sets a hardware product's stock per SKU (a SKU not named has none): effective at once in the
/// catalog, no review. A SKU left at 0 is sold out (no quotes) and the seller gets a message.
#[utoipa::path(
    operation_id = "putProductInventory",
    tag = "products",
    params(
        ("id" = String, Path, description = "Product id"),
        ("If-Match" = String, Header, description = "The product's current ETag"),
    ),
    request_body = Inventory,
    responses(
        (status = 200, description = "The new inventory", body = Inventory, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such product (or another seller's)"),
        (status = 409, description = "Not a hardware product, or discontinued"),
        (status = 412, description = "If-Match does not match the current ETag"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "A SKU the product does not offer, or a count over 1,000,000"),
        (status = 428, description = "If-Match is missing"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[put("/products/{id}/inventory")]
pub async fn put(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    if_match: IfMatch,
    JsonBody(body): JsonBody<Inventory>,
) -> Result<HttpResponse, ApiError> {
    let (db, id) = (state.db.clone(), ProductId(id.into_inner()));
    let product = id.clone();
    let set =
        blocking(move || Ok(workflows::products::set_inventory(&db, &seller.seller_id(), &id, &if_match.0, body)?));
    let inventory = set.await?;
    state.catalog_cache.invalidate(product.as_str());
    Ok(respond(inventory))
}
