use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use shelf_persistence::attributes;
use utoipa::ToSchema;

use super::AttributeResponse;
use crate::AppState;
use crate::auth::Seller;
use crate::extract::Query;
use crate::pagination::{self, PageParams};
use crate::problem::ApiError;

#[derive(Debug, Serialize, ToSchema)]
pub struct AttributeList {
    pub items: Vec<AttributeResponse>,
    /// Pass as `page_token` for the next page; null on the last.
    pub next_page_token: Option<String>,
}

/// Lists the seller's catalogue attributes, newest first.
#[utoipa::path(
    operation_id = "listAttributes",
    tag = "attributes",
    params(PageParams),
    responses(
        (status = 200, description = "A page of attributes", body = AttributeList),
        (status = 400, description = "A bad parameter"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/attributes")]
pub async fn list(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    Query(params): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let read = move |c: &mut _, page: &_| attributes::list_for_seller(c, &seller.id, page);
    let (items, next_page_token) = pagination::read_page(&state.db, params.page()?, read).await?;
    Ok(HttpResponse::Ok().json(AttributeList { items: items.into_iter().map(Into::into).collect(), next_page_token }))
}
