use actix_web::http::StatusCode;
use actix_web::{HttpResponse, patch, web};
use shelf_workflows::webhooks::{self, EndpointInput};

use super::WebhookEndpointSettings;
use crate::auth::Seller;
use crate::etag::IfMatch;
use crate::extract::MergePatchBody;
use crate::merge_patch::patched;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Changes a webhook endpoint with a JSON Merge Patch (enabling a disabled one clears its failures).
#[utoipa::path(
    operation_id = "updateWebhookEndpoint",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "Endpoint id"),
        ("If-Match" = String, Header, description = "The endpoint's current ETag"),
    ),
    request_body(content = WebhookEndpointSettings, content_type = "application/merge-patch+json",
                 description = "JSON Merge Patch (RFC 7396); application/json is accepted too"),
    responses(
        (status = 200, description = "The changed endpoint", body = super::WebhookEndpointResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such endpoint (or another seller's)"),
        (status = 412, description = "If-Match does not match the current ETag"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not a JSON media type"),
        (status = 422, description = "A broken rule"),
        (status = 428, description = "If-Match is missing"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[patch("/webhook-endpoints/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    if_match: IfMatch,
    MergePatchBody(patch): MergePatchBody<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let (db, policy) = (state.db.clone(), state.outbound);
    let endpoint = blocking(move || {
        let edit = |current: &EndpointInput| -> Result<EndpointInput, ApiError> {
            Ok(patched::<WebhookEndpointSettings>(&WebhookEndpointSettings::from(current), &patch)?.into())
        };
        webhooks::update(&db, &seller.seller_id(), &id, &if_match.0, policy, edit)
    })
    .await?;
    Ok(crate::etag::respond(StatusCode::OK, endpoint))
}
