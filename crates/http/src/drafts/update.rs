use actix_web::http::StatusCode;
use actix_web::{HttpResponse, patch, web};
use serde::Deserialize;
use serde_json::json;
use shelf_domain::{DraftContent, DraftId};
use shelf_workflows as workflows;
use utoipa::ToSchema;

use super::{DraftResponse, respond};
use crate::auth::Seller;
use crate::etag::IfMatch;
use crate::extract::MergePatchBody;
use crate::merge_patch::patched;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// The draft document a merge patch applies to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDraftRequest {
    /// Members to set; `null` removes a member. The content itself cannot be removed (`null` is 422).
    #[schema(required = false)]
    pub content: DraftContent,
}

/// Changes a draft with a JSON Merge Patch of `{"content": …}`.
#[utoipa::path(
    operation_id = "updateDraft",
    tag = "drafts",
    params(
        ("id" = String, Path, description = "Draft id"),
        ("If-Match" = String, Header, description = "The draft's current ETag"),
    ),
    request_body(content = UpdateDraftRequest, content_type = "application/merge-patch+json",
                 description = "JSON Merge Patch (RFC 7396); application/json is accepted too"),
    responses(
        (status = 200, description = "The changed draft", body = DraftResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such draft (or another seller's)"),
        (status = 409, description = "The draft is in review or closed"),
        (status = 412, description = "If-Match does not match the current ETag"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not a JSON media type"),
        (status = 422, description = "The patched content has a field of the wrong type or an unknown one"),
        (status = 428, description = "If-Match is missing"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[patch("/drafts/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    if_match: IfMatch,
    MergePatchBody(patch): MergePatchBody<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let draft = blocking(move || {
        let edit = |current: &shelf_domain::Draft| {
            let UpdateDraftRequest { content } = patched(&json!({ "content": current.content }), &patch)?;
            Ok::<_, ApiError>(content)
        };
        workflows::drafts::update(&db, &seller.seller_id(), &DraftId(id.into_inner()), &if_match.0, edit)
    })
    .await?;
    Ok(respond(StatusCode::OK, draft))
}
