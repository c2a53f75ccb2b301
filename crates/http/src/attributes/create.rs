use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use shelf_domain::attribute::CatalogueAttribute;
use shelf_domain::limits::MAX_ATTRIBUTES;
use shelf_persistence::attributes;

use super::{AttributeResponse, checked, respond};
use crate::auth::Seller;
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};

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
    let attribute = blocking(move || {
        db.write(|c| {
            if attributes::count_for_seller(c, &seller.id)? >= MAX_ATTRIBUTES {
                return Err(ApiError::limit_reached("catalogue attributes", MAX_ATTRIBUTES));
            }
            Ok(attributes::insert(c, &seller.id, &definition)?)
        })
    })
    .await?;
    Ok(respond(StatusCode::CREATED, attribute))
}
