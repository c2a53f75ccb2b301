use actix_web::{HttpResponse, delete, web};
use shelf_domain::DraftId;
use shelf_workflows as workflows;

use crate::auth::Seller;
use crate::etag::IfMatch;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Deletes a draft that is editing or rejected.
#[utoipa::path(
    operation_id = "deleteDraft",
    tag = "drafts",
    params(
        ("id" = String, Path, description = "Draft id"),
        ("If-Match" = String, Header, description = "The draft's current ETag"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such draft (or another seller's)"),
        (status = 409, description = "The draft is in review or closed"),
        (status = 412, description = "If-Match does not match the current ETag"),
        (status = 428, description = "If-Match is missing"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[delete("/drafts/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    blocking(move || {
        Ok(workflows::drafts::delete(&db, &blobs, &seller.seller_id(), &DraftId(id.into_inner()), &if_match.0)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
