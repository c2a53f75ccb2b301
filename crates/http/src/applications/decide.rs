use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use shelf_domain::ApplicationId;
use shelf_persistence::now;
use shelf_workflows as workflows;
use utoipa::ToSchema;

use super::ApplicationResponse;
use crate::auth::Reviewer;
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Approves a pending application: a release creates the product, a modification replaces its live
/// content; the draft is closed. Taken exactly once, whoever else decides at the same time.
#[utoipa::path(
    operation_id = "approveApplication",
    tag = "review",
    params(
        ("id" = String, Path, description = "Application id"),
    ),
    responses(
        (status = 200, description = "The approved application", body = ApplicationResponse),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a reviewer"),
        (status = 404, description = "No such application"),
        (status = 409, description = "Already decided"),
    ),
    security(("bearer_jwt" = ["reviewer"]))
)]
#[post("/applications/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    Reviewer(reviewer): Reviewer,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let id = ApplicationId(id.into_inner());
    let application = blocking(move || Ok(workflows::review::approve(&db, &reviewer, &id)?)).await?;
    state.review_queue.clear();
    if let Some(product_id) = &application.product_id {
        state.catalog_cache.invalidate(product_id);
    }
    Ok(HttpResponse::Ok().json(ApplicationResponse::new(application, now())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Why, for the seller: 10..2000 characters (leading and trailing spaces not counted).
    #[schema(example = "The description does not say what is delivered.", min_length = 10)]
    pub reason: String,
}

/// Rejects a pending application with a reason; the draft becomes `rejected`, editable and resubmittable.
#[utoipa::path(
    operation_id = "rejectApplication",
    tag = "review",
    params(
        ("id" = String, Path, description = "Application id"),
    ),
    request_body = RejectRequest,
    responses(
        (status = 200, description = "The rejected application", body = ApplicationResponse),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a reviewer"),
        (status = 404, description = "No such application"),
        (status = 409, description = "Already decided"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "The reason is shorter than 10 characters"),
    ),
    security(("bearer_jwt" = ["reviewer"]))
)]
#[post("/applications/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    Reviewer(reviewer): Reviewer,
    id: web::Path<String>,
    JsonBody(body): JsonBody<RejectRequest>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let id = ApplicationId(id.into_inner());
    let application = blocking(move || Ok(workflows::review::reject(&db, &reviewer, &id, &body.reason)?)).await?;
    state.review_queue.clear();
    Ok(HttpResponse::Ok().json(ApplicationResponse::new(application, now())))
}
