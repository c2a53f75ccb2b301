use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use shelf_workflows::webhooks;

use super::{WebhookEndpointResponse, WebhookEndpointSettings};
use crate::auth::Seller;
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Registers a webhook endpoint (at most 10 per seller). The answer carries its signing secret, this
/// once: store it, and verify every message with it.
#[utoipa::path(
    operation_id = "createWebhookEndpoint",
    tag = "webhooks",
    request_body = WebhookEndpointSettings,
    responses(
        (status = 201, description = "The endpoint, with its secret", body = WebhookEndpointResponse,
            headers(("Location" = String), ("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "A URL that is not https to a public host, an unknown event type, or 10 endpoints already (`limit_reached`)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/webhook-endpoints")]
pub async fn create(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    JsonBody(body): JsonBody<WebhookEndpointSettings>,
) -> Result<HttpResponse, ApiError> {
    let (db, policy) = (state.db.clone(), state.outbound);
    let endpoint = blocking(move || Ok(webhooks::create(&db, &seller.seller_id(), &body.into(), policy)?)).await?;
    let (version, location) = (endpoint.version, format!("/v1/webhook-endpoints/{}", endpoint.id));
    let body = WebhookEndpointResponse::new(endpoint, true);
    Ok(crate::etag::respond_versioned(StatusCode::CREATED, version, || location, body))
}
