use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use shelf_domain::AssetId;
use shelf_persistence::now;
use shelf_workflows as workflows;
use utoipa::IntoParams;

use super::{AssetList, AssetResponse};
use crate::applications::RejectRequest;
use crate::auth::Reviewer;
use crate::extract::{JsonBody, Query};
use crate::pagination;
use crate::problem::ApiError;
use crate::{AppState, blocking};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AssetQueueParams {
    /// Only assets past their due time.
    pub overdue: Option<bool>,
    /// 1..100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_page_token` of the previous page.
    pub page_token: Option<String>,
}

/// Asset queue page tokens are tagged `aq`.
const QUEUE_TAG: &str = "aq";

/// The reviewers' queue of assets in review, earliest due first.
#[utoipa::path(
    operation_id = "listReviewAssets",
    tag = "review",
    params(AssetQueueParams),
    responses(
        (status = 200, description = "A page of the queue", body = AssetList),
        (status = 400, description = "A bad parameter"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a reviewer"),
    ),
    security(("bearer_jwt" = ["reviewer"]))
)]
#[get("/review/assets")]
pub async fn queue(
    state: web::Data<AppState>,
    _: Reviewer,
    Query(params): Query<AssetQueueParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(params.limit)?;
    let after = pagination::queue_after(params.page_token.as_deref(), QUEUE_TAG)?;
    let overdue_at = params.overdue.unwrap_or(false).then(now);
    let db = state.db.clone();
    let paged = blocking(move || Ok(workflows::assets::queue(&db, overdue_at, limit, after.as_ref())?)).await?;
    let next_page_token = paged.next_after.as_deref().map(|k| pagination::encode_tagged(k, QUEUE_TAG));
    let items = paged.items.into_iter().map(AssetResponse::from).collect();
    Ok(HttpResponse::Ok().json(AssetList { items, next_page_token }))
}

/// Approves an asset in review whose scan passed; products can then be released with it.
#[utoipa::path(
    operation_id = "approveAsset",
    tag = "review",
    params(("id" = String, Path, description = "Asset id")),
    responses(
        (status = 200, description = "The approved asset", body = AssetResponse),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a reviewer, or the reviewer's own account's asset"),
        (status = 404, description = "No such asset"),
        (status = 409, description = "Already decided, or its package is still being scanned"),
    ),
    security(("bearer_jwt" = ["reviewer"]))
)]
#[post("/assets/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    Reviewer(reviewer): Reviewer,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let asset = blocking(move || Ok(workflows::assets::approve(&db, &reviewer, &AssetId(id.into_inner()))?)).await?;
    Ok(HttpResponse::Ok().json(AssetResponse::from(asset)))
}

/// Rejects an asset in review with a reason; the seller uploads a corrected version as a new asset.
#[utoipa::path(
    operation_id = "rejectAsset",
    tag = "review",
    params(("id" = String, Path, description = "Asset id")),
    request_body = RejectRequest,
    responses(
        (status = 200, description = "The rejected asset", body = AssetResponse),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a reviewer, or the reviewer's own account's asset"),
        (status = 404, description = "No such asset"),
        (status = 409, description = "Already decided"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "The reason is shorter than 10 characters"),
    ),
    security(("bearer_jwt" = ["reviewer"]))
)]
#[post("/assets/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    Reviewer(reviewer): Reviewer,
    id: web::Path<String>,
    JsonBody(body): JsonBody<RejectRequest>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let id = AssetId(id.into_inner());
    let asset = blocking(move || Ok(workflows::assets::reject(&db, &reviewer, &id, &body.reason)?)).await?;
    Ok(HttpResponse::Ok().json(AssetResponse::from(asset)))
}
