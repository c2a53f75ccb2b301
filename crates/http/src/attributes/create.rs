use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use shelf_domain::attribute::CatalogueAttribute;

use super::{AttributeResponse, checked, respond};
use crate::auth::Seller;
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};
use shelf_domain::attribute::Attribute;
use shelf_workflows::catalogue;

/// Adds an attribute to the seller's catalogue.
#[utoipa::path(
    operation_id = "createAttribute",
    tag = "attributes",
    request_body = CatalogueAttribute,
    responses(
        (status = 201, description = "Created", body = AttributeResponse,
         headers(("Location" = String), ("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 409, description = "You already have an attribute with this code"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "The account keeps too many already, or A broken rule: code format, reserved name, unit"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/attributes")]
pub async fn create(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    JsonBody(body): JsonBody<CatalogueAttribute>,
) -> Result<HttpResponse, ApiError> {
    let definition = checked(body)?;
    let db = state.db.clone();
    let item: Attribute = blocking(move || Ok(catalogue::create(&db, &seller.seller_id(), &definition)?)).await?;
    Ok(respond(StatusCode::CREATED, item))
}
