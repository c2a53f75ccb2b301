use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use shelf_workflows::webhooks;

use super::{WebhookDeliveryList, WebhookDeliveryResponse};
use crate::auth::Seller;
use crate::extract::Query;
use crate::pagination::{self, PageParams};
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// The endpoint's deliveries, newest first: status, attempts, the last answer and the next retry.
#[utoipa::path(
    operation_id = "listWebhookDeliveries",
    tag = "webhooks",
    params(("id" = String, Path, description = "Endpoint id"), PageParams),
    responses(
        (status = 200, description = "A page of deliveries", body = WebhookDeliveryList),
        (status = 400, description = "A bad parameter"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such endpoint (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/webhook-endpoints/{id}/deliveries")]
pub async fn list(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    Query(params): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let (db, order) = (state.db.clone(), page.order);
    let paged = blocking(move || Ok(webhooks::deliveries(&db, &seller.seller_id(), &id, &page)?)).await?;
    let next_page_token = paged.next_after.as_deref().map(|k| pagination::encode(k, order));
    let items = paged.items.into_iter().map(WebhookDeliveryResponse::from).collect();
    Ok(HttpResponse::Ok().json(WebhookDeliveryList { items, next_page_token }))
}

/// Sends a delivery again now, with the same `webhook-id`, for another 72 hours of retries.
#[utoipa::path(
    operation_id = "redeliverWebhookDelivery",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "Endpoint id"),
        ("delivery" = String, Path, description = "Delivery id"),
    ),
    responses(
        (status = 202, description = "The delivery, pending", body = WebhookDeliveryResponse),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such endpoint or delivery (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/webhook-endpoints/{id}/deliveries/{delivery}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery) = path.into_inner();
    let db = state.db.clone();
    let found = blocking(move || Ok(webhooks::redeliver(&db, &seller.seller_id(), &id, &delivery)?)).await?;
    Ok(HttpResponse::build(StatusCode::ACCEPTED).json(WebhookDeliveryResponse::from(found)))
}
