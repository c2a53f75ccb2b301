//! The holiday calendar: review deadlines skip these dates as they skip weekends.

use std::collections::BTreeSet;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, put, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use shelf_domain::calendar::parse_holidays;
use shelf_persistence::settings;
use shelf_workflows as workflows;
use utoipa::ToSchema;

use crate::auth::Admin;
use crate::etag::{IfMatch, respond_versioned};
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Holidays {
    /// Dates in the marketplace time zone, `YYYY-MM-DD`.
    #[schema(example = json!(["2026-10-01", "2026-10-02"]))]
    pub dates: Vec<String>,
}

fn respond(dates: &BTreeSet<NaiveDate>, version: i64) -> HttpResponse {
    let body = Holidays { dates: dates.iter().map(ToString::to_string).collect() };
    respond_versioned(StatusCode::OK, version, String::new, body)
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
    let dates = parse_holidays(&body.dates).map_err(|v| ApiError::invalid("", v))?;
    let db = state.db.clone();
    let (dates, version) = blocking(move || {
        let version = workflows::settings::put_holidays(&db, &dates, &if_match.0)?;
        Ok((dates, version))
    })
    .await?;
    Ok(respond(&dates, version))
}
