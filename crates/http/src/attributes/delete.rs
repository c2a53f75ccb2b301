use actix_web::{HttpResponse, delete, web};

use crate::auth::Seller;
use crate::etag::IfMatch;
use crate::problem::ApiError;
use crate::{AppState, blocking};
use shelf_domain::attribute::Attribute;
use shelf_workflows::catalogue;

/// Deletes a catalogue attribute. Drafts and products that copied it keep their copies.
#[utoipa::path(
    operation_id = "deleteAttribute",
    tag = "attributes",
    params(
        ("id" = String, Path, description = "Attribute id"),
        ("If-Match" = String, Header, description = "The attribute's current ETag"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such attribute (or another seller's)"),
        (status = 412, description = "If-Match does not match the current ETag"),
        (status = 428, description = "If-Match is missing"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[delete("/attributes/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    blocking(move || Ok(catalogue::delete::<Attribute>(&db, &seller.seller_id(), &id, &if_match.0)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
