use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use shelf_workflows::webhooks;

use super::WebhookEndpointResponse;
use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// A webhook endpoint (never its secret).
#[utoipa::path(
    operation_id = "getWebhookEndpoint",
    tag = "webhooks",
    params(("id" = String, Path, description = "Endpoint id")),
    responses(
        (status = 200, description = "The endpoint", body = WebhookEndpointResponse, headers(("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such endpoint (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/webhook-endpoints/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let endpoint = blocking(move || Ok(webhooks::get(&db, &seller.seller_id(), &id)?)).await?;
    Ok(crate::etag::respond(StatusCode::OK, endpoint))
}
