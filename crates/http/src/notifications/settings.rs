use actix_web::{HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};
use shelf_domain::contact::{
    EMAIL_MAX_CHARS, EMAIL_PATTERN, MAX_RECEIVERS, PHONE_MAX_CHARS, PHONE_PATTERN, check_receivers,
};
use shelf_persistence::notifications;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Array, ArrayBuilder, ObjectBuilder, Type};

use crate::auth::Seller;
use crate::etag::{IfMatch, set_etag};
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

fn respond(emails: Vec<String>, phones: Vec<String>, version: i64) -> HttpResponse {
    let mut builder = HttpResponse::Ok();
    set_etag(&mut builder, version);
    builder.json(NotificationSettings { emails, phones })
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
    let (emails, phones, version) =
        blocking(move || Ok(db.read(|c| notifications::settings_of(c, &seller.id))?)).await?;
    Ok(respond(emails, phones, version))
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
    let violations = check_receivers(&body.emails, &body.phones);
    if !violations.is_empty() {
        return Err(ApiError::invalid("", violations));
    }
    let db = state.db.clone();
    let (emails, phones, version) = blocking(move || {
        db.write(|c| {
            let (_, _, current) = notifications::settings_of(c, &seller.id)?;
            let expected = if_match.check(current)?;
            let version = notifications::put_settings(c, &seller.id, &body.emails, &body.phones, expected)?;
            Ok::<_, ApiError>((body.emails, body.phones, version))
        })
    })
    .await?;
    Ok(respond(emails, phones, version))
}
