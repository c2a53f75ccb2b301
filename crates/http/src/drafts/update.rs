use actix_web::http::StatusCode;
use actix_web::{HttpResponse, patch, web};
use serde::Deserialize;
use shelf_domain::DraftContent;
use shelf_persistence::drafts;
use utoipa::ToSchema;

use super::{DraftResponse, prepare, respond};
use crate::auth::Seller;
use crate::etag::IfMatch;
use crate::extract::{MergePatchBody, from_value};
use crate::problem::ApiError;
use crate::{AppState, blocking, merge_patch};

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
    let id = id.into_inner();
    let (db, seller_id, draft_id) = (state.db.clone(), seller.id.clone(), id.clone());
    let current = blocking(move || Ok(db.read(|c| drafts::get_for_seller(c, &seller_id, &draft_id))?)).await?;
    let mut document = serde_json::json!({ "content": current.content });
    merge_patch::apply(&mut document, &patch);
    // A patch that no version could take (a wrong type, an unknown member) is 422 whatever If-Match says.
    let UpdateDraftRequest { mut content } = from_value(document, "")?;
    let version = if_match.check(current.version)?;
    if !current.state.is_editable() {
        return Err(ApiError::Conflict(format!("the draft is {} and cannot be changed", current.state.as_str())));
    }
    let db = state.db.clone();
    let draft = blocking(move || {
        prepare(&db, &seller.id, &mut content)?;
        Ok(db.write(|c| drafts::update_content_if_version(c, &seller.id, &id, version, &content))?)
    })
    .await?;
    Ok(respond(StatusCode::OK, draft))
}
