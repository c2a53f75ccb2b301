use actix_web::http::StatusCode;
use actix_web::{HttpResponse, patch, web};
use shelf_domain::attribute::CatalogueAttribute;

use super::{AttributeResponse, checked, respond};
use crate::auth::Seller;
use crate::etag::IfMatch;
use crate::extract::MergePatchBody;
use crate::merge_patch::patched;
use crate::problem::ApiError;
use crate::{AppState, blocking};
use shelf_domain::attribute::Attribute;
use shelf_workflows::catalogue;

/// Changes a catalogue attribute with a JSON Merge Patch. Drafts and products keep their copies.
#[utoipa::path(
    operation_id = "updateAttribute",
    tag = "attributes",
    params(
        ("id" = String, Path, description = "Attribute id"),
        ("If-Match" = String, Header, description = "The attribute's current ETag"),
    ),
    request_body(content = CatalogueAttribute, content_type = "application/merge-patch+json",
                 description = "JSON Merge Patch (RFC 7396); application/json is accepted too"),
    responses(
        (status = 200, description = "The changed attribute", body = AttributeResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such attribute (or another seller's)"),
        (status = 409, description = "You already have an attribute with the new code"),
        (status = 412, description = "If-Match does not match the current ETag"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not a JSON media type"),
        (status = 422, description = "A broken rule"),
        (status = 428, description = "If-Match is missing"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[patch("/attributes/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    if_match: IfMatch,
    MergePatchBody(patch): MergePatchBody<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let item: Attribute = blocking(move || {
        let edit = |current: &Attribute| checked(patched(&current.definition, &patch)?);
        catalogue::update(&db, &seller.seller_id(), &id, &if_match.0, edit)
    })
    .await?;
    Ok(respond(StatusCode::OK, item))
}
