use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use shelf_domain::asset::{AssetKind, AssetStatus};
use shelf_persistence::assets::{self, AssetFilter};
use utoipa::IntoParams;

use super::{AssetList, AssetResponse};
use crate::AppState;
use crate::auth::Seller;
use crate::extract::Query;
use crate::pagination::{self, ListOrder};
use crate::problem::ApiError;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListAssetsParams {
    pub kind: Option<AssetKind>,
    pub status: Option<AssetStatus>,
    /// Every version of the asset with this name.
    pub name: Option<String>,
    /// 1..100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_page_token` of the previous page.
    pub page_token: Option<String>,
    /// `desc` (newest first, the default) or `asc`.
    #[param(inline)]
    pub order: Option<ListOrder>,
}

/// Lists the seller's assets, newest first.
#[utoipa::path(
    operation_id = "listAssets",
    tag = "assets",
    params(ListAssetsParams),
    responses(
        (status = 200, description = "A page of assets", body = AssetList),
        (status = 400, description = "A bad parameter"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/assets")]
pub async fn list(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    Query(params): Query<ListAssetsParams>,
) -> Result<HttpResponse, ApiError> {
    let page = pagination::page(params.limit, params.page_token.as_deref(), params.order)?;
    let filter = AssetFilter { kind: params.kind, status: params.status, name: params.name };
    let read = move |c: &mut _, page: &_| assets::list_for_seller(c, &seller.id, &filter, page);
    let (items, next_page_token) = pagination::read_page(&state.db, page, read).await?;
    let items = items.into_iter().map(AssetResponse::from).collect();
    Ok(HttpResponse::Ok().json(AssetList { items, next_page_token }))
}
