use actix_web::http::StatusCode;
use actix_web::{HttpResponse, patch, web};
use shelf_domain::attribute::CatalogueAttribute;
use shelf_persistence::attributes;

use super::{AttributeResponse, checked, respond};
use crate::auth::Seller;
use crate::etag::IfMatch;
use crate::extract::{MergePatchBody, from_value};
use crate::problem::ApiError;
use crate::{AppState, blocking, merge_patch};

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
    let id = id.into_inner();
    let (db, seller_id, attribute_id) = (state.db.clone(), seller.id.clone(), id.clone());
    let current = blocking(move || Ok(db.read(|c| attributes::get_for_seller(c, &seller_id, &attribute_id))?)).await?;
    let mut document = serde_json::to_value(&current.definition).map_err(ApiError::internal)?;
    merge_patch::apply(&mut document, &patch);
    // A patch that no version could take (a wrong type, an unknown member, a malformed code) is 422
    // whatever If-Match says.
    let definition = checked(from_value(document, "")?)?;
    let version = if_match.check(current.version)?;
    let db = state.db.clone();
    let attribute =
        blocking(move || Ok(db.write(|c| attributes::update_if_version(c, &seller.id, &id, version, &definition))?))
            .await?;
    Ok(respond(StatusCode::OK, attribute))
}
