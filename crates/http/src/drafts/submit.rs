use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, post, web};
use shelf_domain::DraftId;
use shelf_persistence::now;
use shelf_workflows as workflows;

use crate::applications::ApplicationResponse;
use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Submits a draft for review: re-runs the full check, then freezes the content into an application
/// and puts the draft in review, in one transaction.
#[utoipa::path(
    operation_id = "submitDraft",
    tag = "drafts",
    params(
        ("id" = String, Path, description = "Draft id"),
    ),
    responses(
        (status = 201, description = "The application", body = ApplicationResponse, headers(("Location" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such draft (or another seller's)"),
        (status = 409, description = "The draft is in review or closed"),
        (status = 422, description = "The draft is not ready: the errors of the release-requirement check"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/drafts/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let offset = state.marketplace_offset_seconds;
    let application =
        blocking(move || Ok(workflows::drafts::submit(&db, &seller, &DraftId(id.into_inner()), offset)?)).await?;
    state.review_queue.clear();
    Ok(HttpResponse::build(StatusCode::CREATED)
        .insert_header((LOCATION, format!("/v1/applications/{}", application.id)))
        .json(ApplicationResponse::new(application, now())))
}
