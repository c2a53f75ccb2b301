//! The holiday calendar: review deadlines skip these dates as they skip weekends.

use std::collections::BTreeSet;

use actix_web::{HttpResponse, get, put, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use shelf_domain::ViolationCode;
use shelf_persistence::settings;
use utoipa::ToSchema;

use crate::auth::Admin;
use crate::etag::{IfMatch, set_etag};
use crate::extract::JsonBody;
use crate::problem::{ApiError, FieldError};
use crate::{AppState, blocking};

/// At most this many holidays in the calendar.
pub const MAX_HOLIDAYS: usize = 1000;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Holidays {
    /// Dates in the marketplace time zone, `YYYY-MM-DD`.
    #[schema(example = json!(["2026-10-01", "2026-10-02"]))]
    pub dates: Vec<String>,
}

fn respond(dates: &BTreeSet<NaiveDate>, version: i64) -> HttpResponse {
    let mut builder = HttpResponse::Ok();
    set_etag(&mut builder, version);
    builder.json(Holidays { dates: dates.iter().map(ToString::to_string).collect() })
}

/// The holiday calendar.
#[utoipa::path(
    operation_id = "getHolidays",
    tag = "admin",
    responses(
        (status = 200, description = "The holidays, sorted", body = Holidays, headers(("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not an admin"),
    ),
    security(("bearer_jwt" = ["admin"]))
)]
#[get("/admin/holidays")]
pub async fn get(state: web::Data<AppState>, _: Admin) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let (dates, version) = blocking(move || Ok(db.read(settings::holidays)?)).await?;
    Ok(respond(&dates, version))
}

/// Replaces the holiday calendar.
#[utoipa::path(
    operation_id = "putHolidays",
    tag = "admin",
    params(("If-Match" = String, Header, description = "The calendar's current ETag (`\"0\"` before it was ever set)")),
    request_body = Holidays,
    responses(
        (status = 200, description = "The new calendar", body = Holidays, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not an admin"),
        (status = 412, description = "If-Match does not match the current ETag"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "A malformed date, or too many"),
        (status = 428, description = "If-Match is missing"),
    ),
    security(("bearer_jwt" = ["admin"]))
)]
#[put("/admin/holidays")]
pub async fn put(
    state: web::Data<AppState>,
    _: Admin,
    if_match: IfMatch,
    JsonBody(body): JsonBody<Holidays>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let mut dates = BTreeSet::new();
    for (i, text) in body.dates.iter().enumerate() {
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) if date.to_string() == *text => {
                dates.insert(date);
            }
            _ => errors.push(FieldError::at_pointer(
                format!("/dates/{i}"),
                ViolationCode::InvalidFormat,
                format!("`{text}` is not a date like 2026-10-01"),
            )),
        }
    }
    if dates.len() > MAX_HOLIDAYS {
        errors.push(FieldError::at_pointer(
            "/dates",
            ViolationCode::TooMany,
            format!("at most {MAX_HOLIDAYS} holidays"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Unprocessable { detail: "the holiday list is not valid".into(), errors });
    }
    let db = state.db.clone();
    let (dates, version) = blocking(move || {
        db.write(|c| {
            let (_, current) = settings::holidays(c)?;
            let expected = if_match.check(current)?;
            let version = settings::replace_holidays(c, &dates, expected)?;
            Ok::<_, ApiError>((dates, version))
        })
    })
    .await?;
    Ok(respond(&dates, version))
}
