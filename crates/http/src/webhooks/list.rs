use actix_web::{HttpResponse, get, web};
use shelf_persistence::webhooks;

use super::{WebhookEndpointList, WebhookEndpointResponse};
use crate::AppState;
use crate::auth::Seller;
use crate::extract::Query;
use crate::pagination::{self, PageParams};
use crate::problem::ApiError;

/// The seller's webhook endpoints, newest first.
#[utoipa::path(
    operation_id = "listWebhookEndpoints",
    tag = "webhooks",
    params(PageParams),
    responses(
        (status = 200, description = "A page of endpoints", body = WebhookEndpointList),
        (status = 400, description = "A bad parameter"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/webhook-endpoints")]
pub async fn list(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    Query(params): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let read = move |c: &mut _, page: &_| webhooks::list_for_seller(c, &seller.id, page);
    let (items, next_page_token) = pagination::read_page(&state.db, page, read).await?;
    let items = items.into_iter().map(WebhookEndpointResponse::from).collect();
    Ok(HttpResponse::Ok().json(WebhookEndpointList { items, next_page_token }))
}
