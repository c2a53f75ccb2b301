use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use shelf_persistence::saas;
use utoipa::IntoParams;

use super::{SaasEndpointList, SaasEndpointResponse};
use crate::AppState;
use crate::auth::Seller;
use crate::extract::Query;
use crate::pagination::{self, ListOrder};
use crate::problem::ApiError;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListSaasEndpointsParams {
    /// 1..100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_page_token` of the previous page.
    pub page_token: Option<String>,
    /// `desc` (newest first, the default) or `asc`.
    #[param(inline)]
    pub order: Option<ListOrder>,
}

/// The seller's SaaS endpoints, newest first.
#[utoipa::path(
    operation_id = "listSaasEndpoints",
    tag = "saas",
    params(ListSaasEndpointsParams),
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
    Query(params): Query<ListSaasEndpointsParams>,
) -> Result<HttpResponse, ApiError> {
    let page = pagination::page(params.limit, params.page_token.as_deref(), params.order)?;
    let read = move |c: &mut _, page: &_| saas::list_for_seller(c, &seller.id, page);
    let (items, next_page_token) = pagination::read_page(&state.db, page, read).await?;
    let items = items.into_iter().map(SaasEndpointResponse::from).collect();
    Ok(HttpResponse::Ok().json(SaasEndpointList { items, next_page_token }))
}
