use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use shelf_domain::{DraftKind, DraftState};
use shelf_persistence::drafts::{self, DraftFilter};
use utoipa::{IntoParams, ToSchema};

use super::DraftResponse;
use crate::AppState;
use crate::auth::Seller;
use crate::extract::Query;
use crate::pagination::{self, ListOrder};
use crate::problem::ApiError;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListDraftsParams {
    /// Only drafts in this state.
    pub state: Option<DraftState>,
    /// Only drafts of this kind.
    pub kind: Option<DraftKind>,
    /// Name contains (case-insensitive) (at most 200 characters).
    #[serde(default, deserialize_with = "crate::pagination::search_text")]
    #[param(max_length = 200)]
    pub q: Option<String>,
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
pub struct DraftList {
    pub items: Vec<DraftResponse>,
    /// Pass as `page_token` for the next page; null on the last.
    pub next_page_token: Option<String>,
}

/// Lists the seller's drafts, newest first.
#[utoipa::path(
    operation_id = "listDrafts",
    tag = "drafts",
    params(ListDraftsParams),
    responses(
        (status = 200, description = "A page of drafts", body = DraftList),
        (status = 400, description = "A bad parameter (limit, page_token, state, kind, order)"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/drafts")]
pub async fn list(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    Query(params): Query<ListDraftsParams>,
) -> Result<HttpResponse, ApiError> {
    let page = pagination::page(params.limit, params.page_token.as_deref(), params.order)?;
    let filter = DraftFilter { state: params.state, kind: params.kind, name_contains: params.q };
    let read = move |c: &mut _, page: &_| drafts::list_for_seller(c, &seller.id, &filter, page);
    let (items, next_page_token) = pagination::read_page(&state.db, page, read).await?;
    Ok(HttpResponse::Ok().json(DraftList { items: items.into_iter().map(Into::into).collect(), next_page_token }))
}
