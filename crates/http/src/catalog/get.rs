use actix_web::{HttpRequest, HttpResponse, get, web};
use shelf_persistence::products;

use super::{CatalogProduct, offered, respond_cached};
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Gets a product by its URL, hidden ones too.
#[utoipa::path(
    tag = "catalog",
    params(("id" = String, Path, description = "Product id")),
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
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let product = offered(blocking(move || Ok(db.read(|c| products::get(c, &id))?)).await?)?;
    Ok(respond_cached(&req, &product))
}
