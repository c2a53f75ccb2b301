//! List pages: `?limit=` (1..100, default 20), an opaque `?page_token=`, `?order=`, and the
//! `{items, next_page_token}` envelope. Every list of the API goes through here.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use shelf_domain::ViolationCode;
use shelf_persistence::{Order, Page, Paged};
use utoipa::IntoParams;
use utoipa::ToSchema;

use crate::problem::ApiError;

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// List order: `desc` (newest first, the default) or `asc` (oldest first).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListOrder {
    #[default]
    Desc,
    Asc,
}

impl ListOrder {
    fn tag(self) -> &'static str {
        match self {
            ListOrder::Desc => "d",
            ListOrder::Asc => "a",
        }
    }
}

/// The parameters of a list without filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1..100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_page_token` of the previous page.
    pub page_token: Option<String>,
    /// `desc` (newest first, the default) or `asc`.
    #[param(inline)]
    pub order: Option<ListOrder>,
}

impl PageParams {
    pub fn page(&self) -> Result<Page, ApiError> {
        page(self.limit, self.page_token.as_deref(), self.order)
    }
}

/// A list's `limit`: 1..MAX_LIMIT, DEFAULT_LIMIT when absent, else a 400 naming it.
pub fn limit(limit: Option<u32>) -> Result<u32, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_parameter(
            "limit",
            ViolationCode::OutOfRange,
            format!("limit must be 1..{MAX_LIMIT}"),
        ));
    }
    Ok(limit)
}

/// Builds the page a list request asks for, or a 400 naming the bad parameter.
pub fn page(limit: Option<u32>, page_token: Option<&str>, order: Option<ListOrder>) -> Result<Page, ApiError> {
    let limit = self::limit(limit)?;
    let order = order.unwrap_or_default();
    let after = page_token.map(|t| decode(t, order)).transpose()?;
    Ok(Page {
        limit,
        after,
        order: match order {
            ListOrder::Desc => Order::NewestFirst,
            ListOrder::Asc => Order::OldestFirst,
        },
    })
}

/// The token for the page after `key`; it remembers the order it was made for.
pub fn encode(key: &str, order: Order) -> String {
    let order = match order {
        Order::NewestFirst => ListOrder::Desc,
        Order::OldestFirst => ListOrder::Asc,
    };
    encode_tagged(key, order.tag())
}

/// A page token this list did not make (400).
pub fn bad_token() -> ApiError {
    ApiError::bad_parameter(
        "page_token",
        ViolationCode::InvalidValue,
        "not a page token of this list and order; pass next_page_token back as it was given",
    )
}

fn decode(token: &str, order: ListOrder) -> Result<String, ApiError> {
    decode_tagged(token, order.tag())
}

/// The key of a token made by `encode_tagged` with this tag; any other text is a 400.
pub fn decode_tagged(token: &str, expected_tag: &str) -> Result<String, ApiError> {
    let bad = bad_token;
    let raw = URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (tag, key) = text.split_once(':').ok_or_else(bad)?;
    let plausible = !key.is_empty() && key.len() <= 200 && key.bytes().all(|b| b.is_ascii_graphic());
    if tag != expected_tag || !plausible {
        return Err(bad());
    }
    Ok(key.to_owned())
}

/// A page token for the position `key` of a list that tags its tokens with `tag`.
pub fn encode_tagged(key: &str, tag: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{tag}:{key}"))
}

/// Reads one page with `read` in the blocking pool: its items and the token of the next page (the
/// body every list handler shares).
pub async fn read_page<T: Send + 'static>(
    db: &shelf_persistence::Db,
    page: Page,
    read: impl FnOnce(&mut shelf_persistence::DbConnection, &Page) -> shelf_persistence::Result<Paged<T>> + Send + 'static,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let (db, query_page) = (db.clone(), page.clone());
    let paged = crate::blocking(move || Ok(db.read(|c| read(c, &query_page))?)).await?;
    let next = next_token(&paged, &page);
    Ok((paged.items, next))
}

/// The token of the next page of `paged`, if there is one.
pub fn next_token<T>(paged: &Paged<T>, page: &Page) -> Option<String> {
    paged.next_after.as_deref().map(|key| encode(key, page.order))
}

/// A `?q=` search text: at most `MAX_SEARCH_CHARS` characters, so a search's work is bounded.
pub fn search_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let q = Option::<String>::deserialize(d)?;
    match q {
        Some(q) if q.chars().count() > shelf_domain::limits::MAX_SEARCH_CHARS => Err(serde::de::Error::custom(
            format!("a search is at most {} characters", shelf_domain::limits::MAX_SEARCH_CHARS),
        )),
        q => Ok(q),
    }
}

/// The review queue position a `page_token` tagged `tag` names (none for the first page).
pub fn queue_after(
    page_token: Option<&str>,
    tag: &str,
) -> Result<Option<shelf_persistence::applications::QueuePosition>, ApiError> {
    page_token
        .map(|t| shelf_persistence::applications::QueuePosition::parse(&decode_tagged(t, tag)?).ok_or_else(bad_token))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_remember_their_order() {
        let token = encode("0192-abc", Order::NewestFirst);
        assert_eq!(page(None, Some(&token), None).unwrap().after.as_deref(), Some("0192-abc"));
        assert!(page(None, Some(&token), Some(ListOrder::Asc)).is_err());
        assert!(page(None, Some("garbage!"), None).is_err());
    }

    #[test]
    fn limit_is_one_to_a_hundred() {
        assert_eq!(page(None, None, None).unwrap().limit, DEFAULT_LIMIT);
        assert!(page(Some(0), None, None).is_err());
        assert!(page(Some(101), None, None).is_err());
        assert_eq!(page(Some(100), None, None).unwrap().limit, 100);
    }
}
