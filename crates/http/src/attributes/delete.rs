use actix_web::{HttpResponse, delete, web};
use shelf_persistence::attributes;

use crate::auth::Seller;
use crate::etag::IfMatch;
use crate::problem::ApiError;
use crate::{AppState, blocking};

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
    blocking(move || {
        let current = db.read(|c| attributes::get_for_seller(c, &seller.id, &id))?;
        let version = if_match.check(current.version)?;
        Ok(db.write(|c| attributes::delete_if_version(c, &seller.id, &id, version))?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
