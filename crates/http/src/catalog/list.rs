use actix_web::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use shelf_domain::content::DeliveryMethod;
use shelf_persistence::products;
use utoipa::{IntoParams, ToSchema};

use super::CatalogProduct;
use crate::extract::Query;
use crate::pagination::{self, ListOrder};
use crate::problem::ApiError;
use crate::{AppState, blocking, sha256_hex};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CatalogParams {
    /// Name or summary contains (case-insensitive).
    pub q: Option<String>,
    pub delivery_method: Option<DeliveryMethod>,
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
pub struct CatalogList {
    pub items: Vec<CatalogProduct>,
    /// Pass as `page_token` for the next page; null on the last.
    pub next_page_token: Option<String>,
}

/// Lists the products on sale (hidden and discontinued ones are not listed).
#[utoipa::path(
    tag = "catalog",
    params(CatalogParams),
    responses(
        (status = 200, description = "A page of listed products", body = CatalogList,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "A bad parameter"),
    )
)]
#[get("/catalog/products")]
pub async fn list(
    state: web::Data<AppState>,
    Query(params): Query<CatalogParams>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let page = pagination::page(params.limit, params.page_token.as_deref(), params.order)?;
    let (db, query_page) = (state.db.clone(), page.clone());
    let paged = blocking(move || {
        Ok(db.read(|c| products::catalog(c, params.q.as_deref(), params.delivery_method, &query_page))?)
    })
    .await?;
    let next_page_token = pagination::next_token(&paged, &page);
    let items = paged.items.iter().map(CatalogProduct::from).collect();
    let body = serde_json::to_vec(&CatalogList { items, next_page_token }).map_err(ApiError::internal)?;
    // A page is identified by its bytes: a client that has them gets 304.
    let etag = format!("W/\"{}\"", &sha256_hex(&body)[..32]);
    let fresh = req
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut builder = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    builder.insert_header((CACHE_CONTROL, "public, max-age=30")).insert_header((ETAG, etag));
    Ok(if fresh { builder.finish() } else { builder.content_type("application/json").body(body) })
}
