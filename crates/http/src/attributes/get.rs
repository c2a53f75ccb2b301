use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use shelf_persistence::attributes;

use super::{AttributeResponse, respond};
use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Gets one of the seller's catalogue attributes.
#[utoipa::path(
    operation_id = "getAttribute",
    tag = "attributes",
    params(("id" = String, Path, description = "Attribute id")),
    responses(
        (status = 200, description = "The attribute", body = AttributeResponse, headers(("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such attribute (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/attributes/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let attribute = blocking(move || Ok(db.read(|c| attributes::get_for_seller(c, &seller.id, &id))?)).await?;
    Ok(respond(StatusCode::OK, attribute))
}
