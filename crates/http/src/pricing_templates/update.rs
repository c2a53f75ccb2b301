use actix_web::http::StatusCode;
use actix_web::{HttpResponse, patch, web};
use shelf_domain::pricing::template::PricingTemplateBody;

use super::{PricingTemplateResponse, checked, respond};
use crate::auth::Seller;
use crate::etag::IfMatch;
use crate::extract::MergePatchBody;
use crate::merge_patch::patched;
use crate::problem::ApiError;
use crate::{AppState, blocking};
use shelf_domain::pricing::template::PricingTemplate;
use shelf_workflows::catalogue;

/// Changes a pricing template with a JSON Merge Patch. Submitted applications keep their copies.
#[utoipa::path(
    operation_id = "updatePricingTemplate",
    tag = "pricing-templates",
    params(
        ("id" = String, Path, description = "Pricing template id"),
        ("If-Match" = String, Header, description = "The template's current ETag"),
    ),
    request_body(content = PricingTemplateBody, content_type = "application/merge-patch+json",
                 description = "JSON Merge Patch (RFC 7396); application/json is accepted too"),
    responses(
        (status = 200, description = "The changed template", body = PricingTemplateResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such pricing template (or another seller's)"),
        (status = 412, description = "If-Match does not match the current ETag"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not a JSON media type"),
        (status = 422, description = "A broken rule"),
        (status = 428, description = "If-Match is missing"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[patch("/pricing-templates/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    if_match: IfMatch,
    MergePatchBody(patch): MergePatchBody<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let item: PricingTemplate = blocking(move || {
        let edit = |current: &PricingTemplate| checked(patched(&current.body, &patch)?);
        catalogue::update(&db, &seller.seller_id(), &id, &if_match.0, edit)
    })
    .await?;
    Ok(respond(StatusCode::OK, item))
}
