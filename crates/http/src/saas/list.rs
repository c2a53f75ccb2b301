use actix_web::{HttpResponse, get, web};
use shelf_persistence::saas;

use super::{SaasEndpointList, SaasEndpointResponse};
use crate::AppState;
use crate::auth::Seller;
use crate::extract::Query;
use crate::pagination::{self, PageParams};
use crate::problem::ApiError;

/// The seller's SaaS endpoints, newest first.
#[utoipa::path(
    operation_id = "listSaasEndpoints",
    tag = "saas",
    params(PageParams),
    responses(
        (status = 200, description = "A page of endpoints", body = SaasEndpointList),
        (status = 400, description = "A bad parameter"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/saas-endpoints")]
pub async fn list(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    Query(params): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params.page()?;
    let read = move |c: &mut _, page: &_| saas::list_for_seller(c, &seller.id, page);
    let (items, next_page_token) = pagination::read_page(&state.db, page, read).await?;
    let items = items.into_iter().map(SaasEndpointResponse::from).collect();
    Ok(HttpResponse::Ok().json(SaasEndpointList { items, next_page_token }))
}
