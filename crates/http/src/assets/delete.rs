use actix_web::{HttpResponse, delete, web};
use shelf_domain::AssetId;
use shelf_workflows as workflows;

use crate::auth::Seller;
use crate::etag::IfMatch;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Deletes an asset that no listed product and no application under review names; a package's
/// bytes go once nothing else refers to them.
#[utoipa::path(
    operation_id = "deleteAsset",
    tag = "assets",
    params(
        ("id" = String, Path, description = "Asset id"),
        ("If-Match" = String, Header, description = "The asset's current ETag"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such asset (or another seller's)"),
        (status = 409, description = "A listed product or an application under review names the asset"),
        (status = 412, description = "If-Match does not match the current ETag"),
        (status = 428, description = "If-Match is missing"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[delete("/assets/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    blocking(move || {
        let id = AssetId(id.into_inner());
        Ok(workflows::assets::delete(&db, &blobs, &seller.seller_id(), &id, &if_match.0)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
