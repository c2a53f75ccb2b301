use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};
use shelf_domain::contact::{EMAIL_MAX_CHARS, EMAIL_PATTERN, MAX_RECEIVERS, PHONE_MAX_CHARS, PHONE_PATTERN, Receivers};
use shelf_persistence::notifications;
use shelf_workflows as workflows;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Array, ArrayBuilder, ObjectBuilder, Type};

use crate::auth::Seller;
use crate::etag::{IfMatch, respond_versioned};
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Who hears about review decisions by email and SMS. Empty (never set): the token's own email and phone.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// Email receivers: at most 10, each once.
    #[schema(schema_with = emails_schema, example = json!(["releases@example.com"]))]
    pub emails: Vec<String>,
    /// Phone receivers for SMS: at most 10, each once.
    #[schema(schema_with = phones_schema, example = json!(["+86 755 1234 5678"]))]
    pub phones: Vec<String>,
}

/// A receiver list as the domain's rule allows it: `MAX_RECEIVERS` unique items of this pattern.
fn receivers_schema(pattern: &str, max_chars: usize) -> Array {
    let item = ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).max_length(Some(max_chars));
    ArrayBuilder::new().items(item).max_items(Some(MAX_RECEIVERS)).unique_items(true).build()
}

fn emails_schema() -> Array {
    receivers_schema(EMAIL_PATTERN, EMAIL_MAX_CHARS)
}

fn phones_schema() -> Array {
    receivers_schema(PHONE_PATTERN, PHONE_MAX_CHARS)
}

fn respond(Receivers { emails, phones }: Receivers, version: i64) -> HttpResponse {
    respond_versioned(StatusCode::OK, version, String::new, NotificationSettings { emails, phones })
}

/// The seller's notification receivers.
#[utoipa::path(
    operation_id = "getNotificationSettings",
    tag = "messages",
    responses(
        (status = 200, description = "The receivers", body = NotificationSettings, headers(("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/notification-settings")]
pub async fn get(state: web::Data<AppState>, Seller(seller): Seller) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let (receivers, version) = blocking(move || Ok(db.read(|c| notifications::settings_of(c, &seller.id))?)).await?;
    Ok(respond(receivers, version))
}

/// Replaces the seller's notification receivers.
#[utoipa::path(
    operation_id = "putNotificationSettings",
    tag = "messages",
    params(("If-Match" = String, Header, description = "The settings' current ETag (`\"0\"` before they were ever set)")),
    request_body = NotificationSettings,
    responses(
        (status = 200, description = "The receivers", body = NotificationSettings, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 412, description = "If-Match does not match the current ETag"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "A malformed email or phone, or too many"),
        (status = 428, description = "If-Match is missing"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[put("/notification-settings")]
pub async fn put(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    if_match: IfMatch,
    JsonBody(body): JsonBody<NotificationSettings>,
) -> Result<HttpResponse, ApiError> {
    let receivers = Receivers::new(body.emails, body.phones).map_err(|v| ApiError::invalid("", v))?;
    let db = state.db.clone();
    let (receivers, version) = blocking(move || {
        let version = workflows::settings::put_receivers(&db, &seller.seller_id(), &receivers, &if_match.0)?;
        Ok((receivers, version))
    })
    .await?;
    Ok(respond(receivers, version))
}
