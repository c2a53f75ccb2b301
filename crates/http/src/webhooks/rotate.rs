use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use shelf_workflows::webhooks;

use super::WebhookEndpointResponse;
use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Replaces the endpoint's signing secret; the answer carries the new one, this once. The old one
/// keeps signing for 24 hours (both signatures are sent), so receivers can switch without a gap.
#[utoipa::path(
    operation_id = "rotateWebhookEndpointSecret",
    tag = "webhooks",
    params(("id" = String, Path, description = "Endpoint id")),
    responses(
        (status = 200, description = "The endpoint, with its new secret", body = WebhookEndpointResponse, headers(("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such endpoint (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/webhook-endpoints/{id}/rotate-secret")]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let endpoint = blocking(move || Ok(webhooks::rotate_secret(&db, &seller.seller_id(), &id)?)).await?;
    let (version, location) = (endpoint.version, String::new());
    let body = WebhookEndpointResponse::new(endpoint, true);
    Ok(crate::etag::respond_versioned(StatusCode::OK, version, || location, body))
}
