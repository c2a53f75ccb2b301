use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shelf_persistence::notifications::{self, MessageRow};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Seller;
use crate::extract::Query;
use crate::pagination::{self, ListOrder};
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// An internal message to the seller.
#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    pub id: String,
    pub application_id: Option<String>,
    #[schema(example = "Approved: Data Migration Supporting Service")]
    pub subject: String,
    pub body: String,
    pub read: bool,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<MessageRow> for Message {
    fn from(m: MessageRow) -> Self {
        Message {
            read_at: m.read_at(),
            read: m.read_at.is_some(),
            created_at: m.created_at(),
            id: m.id,
            application_id: m.application_id,
            subject: m.subject,
            body: m.body,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageList {
    pub items: Vec<Message>,
    /// Pass as `page_token` for the next page; null on the last.
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListMessagesParams {
    /// Only unread messages.
    pub unread: Option<bool>,
    /// 1..100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_page_token` of the previous page.
    pub page_token: Option<String>,
    /// `desc` (newest first, the default) or `asc`.
    #[param(inline)]
    pub order: Option<ListOrder>,
}

/// Lists the seller's messages, newest first.
#[utoipa::path(
    operation_id = "listMessages",
    tag = "messages",
    params(ListMessagesParams),
    responses(
        (status = 200, description = "A page of messages", body = MessageList),
        (status = 400, description = "A bad parameter"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/messages")]
pub async fn list(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    Query(params): Query<ListMessagesParams>,
) -> Result<HttpResponse, ApiError> {
    let page = pagination::page(params.limit, params.page_token.as_deref(), params.order)?;
    let unread = params.unread.unwrap_or(false);
    let query = move |c: &mut _, page: &_| notifications::list_messages(c, &seller.id, unread, page);
    let (items, next_page_token) = pagination::read_page(&state.db, page, query).await?;
    Ok(HttpResponse::Ok().json(MessageList { items: items.into_iter().map(Into::into).collect(), next_page_token }))
}

/// Marks a message read (repeating it changes nothing).
#[utoipa::path(
    operation_id = "readMessage",
    tag = "messages",
    params(
        ("id" = String, Path, description = "Message id"),
    ),
    responses(
        (status = 200, description = "The message", body = Message),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such message (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/messages/{id}/read")]
pub async fn read(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let message = blocking(move || Ok(db.write(|c| notifications::mark_read(c, &seller.id, &id))?)).await?;
    Ok(HttpResponse::Ok().json(Message::from(message)))
}
