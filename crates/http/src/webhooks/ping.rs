use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use shelf_workflows::webhooks;

use super::WebhookDeliveryResponse;
use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Sends the endpoint a signed `ping` message now (enabled or not), to test the destination; its
/// delivery is in the endpoint's log.
#[utoipa::path(
    operation_id = "pingWebhookEndpoint",
    tag = "webhooks",
    params(("id" = String, Path, description = "Endpoint id")),
    responses(
        (status = 202, description = "The ping's delivery, pending", body = WebhookDeliveryResponse),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such endpoint (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/webhook-endpoints/{id}/ping")]
pub async fn ping(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let delivery = blocking(move || Ok(webhooks::ping(&db, &seller.seller_id(), &id)?)).await?;
    Ok(HttpResponse::build(StatusCode::ACCEPTED).json(WebhookDeliveryResponse::from(delivery)))
}
