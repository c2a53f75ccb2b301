//! Removal: a product, a specification or a SKU is discontinued at once and for good. Repeating a
//! removal changes nothing; removing every specification discontinues the product.

use actix_web::{HttpResponse, post, web};
use shelf_domain::notification::EventType;
use shelf_domain::product::{Product, ProductStatus};
use shelf_persistence::notifications::{self, Subject};
use shelf_persistence::products;

use super::{ProductResponse, respond};
use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Applies `change` to the seller's product in one transaction.
async fn change(
    state: web::Data<AppState>,
    seller_id: String,
    id: String,
    change: impl FnOnce(&mut Product) -> Result<(), ApiError> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let product = blocking(move || {
        db.write(|c| {
            let mut product = products::get_for_seller(c, &seller_id, &id)?;
            let before = (product.status, product.removed.clone());
            change(&mut product)?;
            if product.status != ProductStatus::Discontinued && product.nothing_offered() {
                product.status = ProductStatus::Discontinued;
            }
            if (product.status, product.removed.clone()) == before {
                return Ok::<_, ApiError>(product);
            }
            let event = if product.status == ProductStatus::Discontinued {
                EventType::ProductRemoved
            } else {
                EventType::ProductModified
            };
            let saved = products::set_removed(c, &product, product.status, &product.removed)?;
            let subject = Subject { product_id: Some(&saved.id), ..Default::default() };
            notifications::append_event(c, &saved.seller_id, event, subject)?;
            Ok(saved)
        })
    })
    .await?;
    state.catalog_cache.invalidate(&product.id);
    Ok(respond(product))
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
    change(state, seller.id, id.into_inner(), |p| {
        p.status = ProductStatus::Discontinued;
        Ok(())
    })
    .await
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
    change(state, seller.id, id, move |p| {
        let exists = p.content.specifications.iter().flatten().any(|s| s.key.as_deref() == Some(key.as_str()));
        if !exists {
            return Err(ApiError::NotFound);
        }
        p.removed.specifications.insert(key);
        Ok(())
    })
    .await
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
    let (id, key, code) = path.into_inner();
    change(state, seller.id, id, move |p| {
        let spec = p.content.specifications.iter().flatten().find(|s| s.key.as_deref() == Some(key.as_str()));
        let codes: Vec<String> =
            spec.ok_or(ApiError::NotFound)?.skus.iter().flatten().filter_map(|s| s.code.clone()).collect();
        if !codes.contains(&code) {
            return Err(ApiError::NotFound);
        }
        p.removed.skus.entry(key.clone()).or_default().insert(code);
        if codes.iter().all(|c| p.removed.is_sku_removed(&key, c)) {
            p.removed.specifications.insert(key);
        }
        Ok(())
    })
    .await
}
