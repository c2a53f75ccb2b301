use actix_web::{HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};
use shelf_domain::ViolationCode;
use shelf_persistence::notifications;
use utoipa::ToSchema;

use crate::auth::Seller;
use crate::etag::{IfMatch, set_etag};
use crate::extract::JsonBody;
use crate::problem::{ApiError, FieldError};
use crate::{AppState, blocking};

/// At most this many receivers of each kind.
const MAX_RECEIVERS: usize = 10;

/// Who hears about review decisions by email and SMS. Empty (never set): the token's own email and phone.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    #[schema(example = json!(["releases@example.com"]))]
    pub emails: Vec<String>,
    #[schema(example = json!(["+86 755 1234 5678"]))]
    pub phones: Vec<String>,
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

fn check(body: &NotificationSettings) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (field, values, valid) in [
        (
            "emails",
            &body.emails,
            (|e: &str| e.contains('@') && !e.contains(char::is_whitespace) && e.len() <= 254) as fn(&str) -> bool,
        ),
        ("phones", &body.phones, |p: &str| {
            let digits = p.chars().filter(char::is_ascii_digit).count();
            (5..=20).contains(&digits) && p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
        }),
    ] {
        if values.len() > MAX_RECEIVERS {
            errors.push(FieldError::at_pointer(
                format!("/{field}"),
                ViolationCode::TooMany,
                format!("at most {MAX_RECEIVERS}"),
            ));
        }
        for (i, v) in values.iter().enumerate() {
            if !valid(v) {
                errors.push(FieldError::at_pointer(
                    format!("/{field}/{i}"),
                    ViolationCode::InvalidFormat,
                    format!("`{v}` is not valid here"),
                ));
            }
        }
    }
    errors
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
    let errors = check(&body);
    if !errors.is_empty() {
        return Err(ApiError::Unprocessable { detail: "the receivers are not valid".into(), errors });
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
