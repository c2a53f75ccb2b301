use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use shelf_domain::DraftContent;
use shelf_workflows as workflows;
use utoipa::ToSchema;

use super::{DraftResponse, respond};
use crate::auth::Seller;
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDraftRequest {
    /// The product content, typed by its delivery method (fixed for the draft's life); any subset of
    /// that method's members, nothing else required until validation.
    pub content: DraftContent,
}

/// Creates a release draft ("Save as Draft").
#[utoipa::path(
    operation_id = "createDraft",
    tag = "drafts",
    request_body = CreateDraftRequest,
    responses(
        (status = 201, description = "Created", body = DraftResponse,
         headers(("Location" = String, description = "The draft's URL"), ("ETag" = String, description = "The draft's version"))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 409, description = "A request with this Idempotency-Key is in flight"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "A field has the wrong type or is unknown, or an attribute_id names no catalogue attribute of yours"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/drafts")]
pub async fn create(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    JsonBody(body): JsonBody<CreateDraftRequest>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let draft = blocking(move || Ok(workflows::drafts::create(&db, &seller.seller_id(), body.content)?)).await?;
    Ok(respond(StatusCode::CREATED, draft))
}
