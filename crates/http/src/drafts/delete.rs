use actix_web::{HttpResponse, delete, web};
use shelf_persistence::drafts;
use shelf_persistence::files::{self, DatabaseBlobs};

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
    let db = state.db.clone();
    blocking(move || {
        Ok(db.write(|c| -> shelf_persistence::Result<()> {
            let current = drafts::get_for_seller(c, &seller.id, &id)?;
            let version = if_match.check(current.version).map_err(|_| shelf_persistence::Error::VersionMismatch)?;
            if !current.state.is_deletable() {
                return Err(shelf_persistence::Error::Conflict(format!(
                    "the draft is {} and cannot be deleted",
                    current.state.as_str()
                )));
            }
            let hashes = files::hashes_of_draft(c, &id)?;
            drafts::delete_if_version(c, &seller.id, &id, version)?;
            files::release_all(c, &DatabaseBlobs, &hashes)
        })?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
