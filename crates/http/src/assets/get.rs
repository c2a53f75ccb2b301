use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use shelf_domain::AssetId;
use shelf_workflows as workflows;

use super::AssetResponse;
use crate::auth::Authenticated;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Gets an asset: a seller its own, a reviewer any.
#[utoipa::path(
    operation_id = "getAsset",
    tag = "assets",
    params(("id" = String, Path, description = "Asset id")),
    responses(
        (status = 200, description = "The asset", body = AssetResponse, headers(("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Neither a seller nor a reviewer"),
        (status = 404, description = "No such asset (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller", "reviewer"]))
)]
#[get("/assets/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Authenticated(account): Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let asset = blocking(move || Ok(workflows::assets::get(&db, &account, &AssetId(id.into_inner()))?)).await?;
    Ok(crate::etag::respond(StatusCode::OK, asset))
}
