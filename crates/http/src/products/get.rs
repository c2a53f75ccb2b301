use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use shelf_persistence::products;

use super::{ProductResponse, respond};
use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Gets one of the seller's products, discontinued ones too.
#[utoipa::path(
    operation_id = "getProduct",
    tag = "products",
    params(("id" = String, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = ProductResponse, headers(("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such product (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/products/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let product = blocking(move || Ok(db.read(|c| products::get_for_seller(c, &seller.id, &id))?)).await?;
    Ok(respond(StatusCode::OK, product))
}
