use actix_web::{HttpResponse, get, web};
use shelf_persistence::products;

use shelf_domain::product::{CatalogProduct, ProductStatus};

use super::respond_cached;
use crate::AppState;
use crate::etag::IfNoneMatch;
use crate::problem::ApiError;

/// Gets a product by its URL, hidden ones too.
#[utoipa::path(
    operation_id = "getCatalogProduct",
    tag = "catalog",
    params(
        ("id" = String, Path, description = "Product id"),
        ("If-None-Match" = Option<String>, Header, description = "ETags of copies the client holds: 304 when one is current"),
    ),
    responses(
        (status = 200, description = "The product as offered", body = CatalogProduct,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such product"),
        (status = 410, description = "The product was removed"),
    )
)]
#[get("/catalog/products/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_none_match: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let entry = match state.catalog_cache.get(&id) {
        Some(entry) => entry,
        None => {
            let ticket = state.catalog_cache.ticket();
            let products::CatalogEntry { id, status, version, json } =
                state.catalog_reader.get(id.into_inner()).await?;
            state.catalog_cache.put(ticket, &id, status, version, json.into())
        }
    };
    if entry.status == ProductStatus::Discontinued {
        return Err(ApiError::Gone("the product was removed from the catalog".into()));
    }
    Ok(respond_cached(
        &if_none_match,
        crate::etag::etag(entry.version),
        super::PRODUCT_CACHE_CONTROL,
        entry.json.clone(),
    ))
}
