//! Removal: a product, a specification or a SKU is discontinued at once and for good. Repeating a
//! removal changes nothing; removing every specification discontinues the product.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use shelf_domain::product::Removal;
use shelf_domain::{ProductId, SellerId};
use shelf_workflows as workflows;

use super::{ProductResponse, respond};
use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Applies `removal` to the seller's product and drops its cached catalog entry.
async fn remove(
    state: web::Data<AppState>,
    seller: SellerId,
    id: String,
    removal: Removal,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let product = blocking(move || Ok(workflows::products::remove(&db, &seller, &ProductId(id), &removal)?)).await?;
    state.catalog_cache.invalidate(&product.id);
    Ok(respond(StatusCode::OK, product))
}

/// Removes the product: discontinued, gone from the catalog, still readable by its seller.
#[utoipa::path(
    operation_id = "removeProduct",
    tag = "products",
    params(
        ("id" = String, Path, description = "Product id"),
    ),
    responses(
        (status = 200, description = "The discontinued product", body = ProductResponse),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such product (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/products/{id}/remove")]
pub async fn remove_product(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    remove(state, seller.seller_id(), id.into_inner(), Removal::Product).await
}

/// Removes a specification (discontinued; still in the content, no longer offered).
#[utoipa::path(
    operation_id = "removeProductSpecification",
    tag = "products",
    params(
        ("id" = String, Path, description = "Product id"),
        ("key" = String, Path, description = "Specification key"),
    ),
    responses(
        (status = 200, description = "The product", body = ProductResponse),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such product (or another seller's) or specification"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/products/{id}/specifications/{key}/remove")]
pub async fn remove_specification(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, key) = path.into_inner();
    remove(state, seller.seller_id(), id, Removal::Specification(key)).await
}

/// Removes a SKU; removing the last offered SKU of a specification removes the specification.
#[utoipa::path(
    operation_id = "removeProductSku",
    tag = "products",
    params(
        ("id" = String, Path, description = "Product id"),
        ("key" = String, Path, description = "Specification key"),
        ("code" = String, Path, description = "SKU code"),
    ),
    responses(
        (status = 200, description = "The product", body = ProductResponse),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such product (or another seller's), specification or SKU"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/products/{id}/specifications/{key}/skus/{code}/remove")]
pub async fn remove_sku(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, specification, code) = path.into_inner();
    remove(state, seller.seller_id(), id, Removal::Sku { specification, code }).await
}
