use std::fmt::Write;
use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use shelf_domain::content::DeliveryMethod;
use shelf_domain::product::CatalogCard;
use shelf_persistence::Order;
use shelf_persistence::products::{self, CatalogQuery, ListedCard};
use utoipa::{IntoParams, ToSchema};

use super::respond_cached;
use crate::etag::IfNoneMatch;
use crate::extract::Query;
use crate::pagination::{self, ListOrder};
use crate::problem::ApiError;
use crate::{AppState, blocking, sha256_hex};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CatalogParams {
    /// Name or summary contains (case-insensitive) (at most 200 characters).
    #[serde(default, deserialize_with = "crate::pagination::search_text")]
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub delivery_method: Option<DeliveryMethod>,
    /// Only products sold in this region (ISO 3166-1 alpha-2); default: the marketplace's configured
    /// region, else every region. A page may come back short, with a `next_page_token`, when few
    /// products are sold there: paging stays exact and each page's work bounded.
    #[param(example = "SG", pattern = "^[A-Z]{2}$")]
    pub region: Option<String>,
    /// 1..100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_page_token` of the previous page.
    pub page_token: Option<String>,
    /// `desc` (newest first, the default) or `asc`.
    #[param(inline)]
    pub order: Option<ListOrder>,
}

/// A page of listed products, as cards (the whole product: `GET /v1/catalog/products/{id}`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct CatalogList {
    pub items: Vec<CatalogCard>,
    /// Pass as `page_token` for the next page; null on the last.
    pub next_page_token: Option<String>,
}

/// Lists the products on sale (hidden and discontinued ones are not listed), a card each.
///
/// A card carries what a storefront's listing shows; the whole product (specifications, prices, sales
/// settings) is `GET /v1/catalog/products/{id}`. Pages are served from memory until a product changes
/// (on another instance: within the event poll, a quarter of a second).
#[utoipa::path(
    operation_id = "listCatalogProducts",
    tag = "catalog",
    params(
        CatalogParams,
        ("If-None-Match" = Option<String>, Header, description = "ETags of pages the client holds: 304 when one is current"),
    ),
    responses(
        (status = 200, description = "A page of listed products", body = CatalogList,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 429, description = "Too many searches (`q`) from this address; `Retry-After` says when to retry"),
        (status = 400, description = "A bad parameter"),
    )
)]
#[get("/catalog/products")]
pub async fn list(
    state: web::Data<AppState>,
    Query(mut params): Query<CatalogParams>,
    if_none_match: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let page = pagination::page(params.limit, params.page_token.as_deref(), params.order)?;
    let after = page.after.as_deref().map(|a| a.parse::<i64>().map_err(|_| pagination::bad_token())).transpose()?;
    let (db, order) = (state.db.clone(), page.order);
    let region = super::region(params.region.take(), &state)?;
    let key = page_key(&params, region.as_deref(), page.limit, after, order);
    let pages = &state.catalog_cache.pages;
    let cached = match pages.get(&key) {
        Some(cached) => cached,
        None => {
            let ticket = pages.ticket();
            let (etag, body) = read_page(db, params, region, page.limit, after, order).await?;
            // Held until a product changes (or the time-to-live).
            pages.put(ticket, &key, etag, body.into(), Duration::MAX)
        }
    };
    let body = if if_none_match.matches(&cached.etag) { Bytes::new() } else { cached.body.clone() };
    Ok(respond_cached(&if_none_match, cached.etag.clone(), super::PAGE_CACHE_CONTROL, body))
}

/// Every parameter that shapes a page (the search as it is matched: lower-cased).
fn page_key(params: &CatalogParams, region: Option<&str>, limit: u32, after: Option<i64>, order: Order) -> String {
    let q = params.q.as_deref().map(str::to_lowercase);
    let method = params.delivery_method.map(|m| m.as_str());
    format!("{q:?}|{method:?}|{region:?}|{limit}|{after:?}|{order:?}")
}

/// A page from the database: its ETag and body.
async fn read_page(
    db: shelf_persistence::Db,
    params: CatalogParams,
    region: Option<String>,
    limit: u32,
    after: Option<i64>,
    order: Order,
) -> Result<(String, String), ApiError> {
    let page = blocking(move || {
        let query = CatalogQuery {
            q: params.q.as_deref(),
            delivery_method: params.delivery_method,
            region: region.as_deref(),
            limit,
            after,
            order,
        };
        Ok(db.read(|c| products::catalog(c, &query))?)
    })
    .await?;
    let next_page_token = page.next_after.as_deref().map(|key| pagination::encode(key, order));
    let etag = page_etag(&page.items, next_page_token.as_deref());
    Ok((etag, page_body(page.items.iter().map(|e| e.json.as_str()), next_page_token.as_deref())))
}

/// A page is identified by what is on it (each product at its version) and where it leads: a client
/// that has it gets 304. Hashing these is cheaper than hashing the page's bytes.
fn page_etag(items: &[ListedCard], next_page_token: Option<&str>) -> String {
    let mut identity = String::with_capacity(items.len() * 48 + 64);
    for entry in items {
        let _ = write!(identity, "{}:{};", entry.id, entry.version);
    }
    identity.push_str(next_page_token.unwrap_or(""));
    format!("W/\"{}\"", &sha256_hex(identity.as_bytes())[..32])
}

/// `{"items": [...], "next_page_token": ...}` from entries that are JSON already (no re-parsing).
fn page_body<'a>(entries: impl Iterator<Item = &'a str> + Clone, next_page_token: Option<&str>) -> String {
    let mut body = String::with_capacity(entries.clone().map(|e| e.len() + 1).sum::<usize>() + 96);
    body.push_str("{\"items\":[");
    for (i, entry) in entries.enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(entry);
    }
    body.push_str("],\"next_page_token\":");
    // Tokens are URL-safe base64: nothing to escape.
    match next_page_token {
        Some(token) => {
            body.push('"');
            body.push_str(token);
            body.push('"');
        }
        None => body.push_str("null"),
    }
    body.push('}');
    body
}
