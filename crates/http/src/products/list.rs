use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use shelf_domain::product::ProductStatus;
use shelf_persistence::products;
use utoipa::{IntoParams, ToSchema};

use super::ProductResponse;
use crate::AppState;
use crate::auth::Seller;
use crate::extract::Query;
use crate::pagination::{self, ListOrder};
use crate::problem::ApiError;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListProductsParams {
    /// Only products with this status.
    pub status: Option<ProductStatus>,
    /// 1..100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_page_token` of the previous page.
    pub page_token: Option<String>,
    /// `desc` (newest first, the default) or `asc`.
    #[param(inline)]
    pub order: Option<ListOrder>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductList {
    pub items: Vec<ProductResponse>,
    /// Pass as `page_token` for the next page; null on the last.
    pub next_page_token: Option<String>,
}

/// Lists the seller's products, newest first.
#[utoipa::path(
    operation_id = "listProducts",
    tag = "products",
    params(ListProductsParams),
    responses(
        (status = 200, description = "A page of products", body = ProductList),
        (status = 400, description = "A bad parameter"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/products")]
pub async fn list(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    Query(params): Query<ListProductsParams>,
) -> Result<HttpResponse, ApiError> {
    let page = pagination::page(params.limit, params.page_token.as_deref(), params.order)?;
    let read = move |c: &mut _, page: &_| products::list_for_seller(c, &seller.id, params.status, page);
    let (items, next_page_token) = pagination::read_page(&state.db, page, read).await?;
    Ok(HttpResponse::Ok().json(ProductList { items: items.into_iter().map(Into::into).collect(), next_page_token }))
}
