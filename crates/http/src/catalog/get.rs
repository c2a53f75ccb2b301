use actix_web::{HttpResponse, get, web};
use shelf_persistence::products;

use serde::Deserialize;
use shelf_domain::product::{CatalogProduct, ProductStatus};
use shelf_domain::sales::RegionView;
use utoipa::IntoParams;

use crate::extract::Query;

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
        RegionParams,
        ("If-None-Match" = Option<String>, Header, description = "ETags of copies the client holds: 304 when one is current"),
    ),
    responses(
        (status = 200, description = "The product as offered", body = CatalogProduct,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "A region that is not an ISO 3166-1 alpha-2 code"),
        (status = 404, description = "No such product"),
        (status = 410, description = "The product was removed"),
    )
)]
#[get("/catalog/products/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    id: web::Path<String>,
    Query(params): Query<RegionParams>,
    if_none_match: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let region = super::region(params.region, &state)?;
    let entry = match state.catalog_cache.get(&id) {
        Some(entry) => entry,
        None => {
            let ticket = state.catalog_cache.ticket();
            let products::ProductEntry { id, status, version, json } =
                state.catalog_reader.get(id.into_inner()).await?;
            state.catalog_cache.put(ticket, &id, status, version, json.into())
        }
    };
    if entry.status == ProductStatus::Discontinued {
        return Err(ApiError::Gone("the product was removed from the catalog".into()));
    }
    let Some(region) = region else {
        let etag = crate::etag::etag(entry.version);
        return Ok(respond_cached(&if_none_match, etag, super::PRODUCT_CACHE_CONTROL, entry.json.clone()));
    };
    // Asked about a region: the stored entry says where the product is sold; the answer is the entry
    // with `available_in_region` first (and an ETag of its own per region).
    let view: RegionView = serde_json::from_slice(&entry.json).map_err(ApiError::internal)?;
    let mut body = Vec::with_capacity(entry.json.len() + 32);
    body.extend_from_slice(format!("{{\"available_in_region\":{},", view.available_in(&region)).as_bytes());
    body.extend_from_slice(entry.json.get(1..).unwrap_or_default());
    let etag = format!("\"{}-{region}\"", entry.version);
    Ok(respond_cached(&if_none_match, etag, super::PRODUCT_CACHE_CONTROL, body))
}

/// The catalog's region parameter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionParams {
    /// Answer for this region (ISO 3166-1 alpha-2): the product says `available_in_region`. Default:
    /// the marketplace's configured region, else none.
    #[param(example = "SG", pattern = "^[A-Z]{2}$")]
    pub region: Option<String>,
}
