use actix_web::{HttpResponse, delete, web};
use shelf_workflows::saas;

use crate::auth::Seller;
use crate::etag::IfMatch;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Deletes a SaaS endpoint and its verifications.
#[utoipa::path(
    operation_id = "deleteSaasEndpoint",
    tag = "saas",
    params(
        ("id" = String, Path, description = "SaaS endpoint id"),
        ("If-Match" = String, Header, description = "The endpoint's current ETag"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such endpoint (or another seller's)"),
        (status = 412, description = "If-Match does not match the current ETag"),
        (status = 428, description = "If-Match is missing"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[delete("/saas-endpoints/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    blocking(move || Ok(saas::delete(&db, &seller.seller_id(), &id, &if_match.0)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
