use actix_web::{HttpResponse, get, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use shelf_domain::ViolationCode;
use shelf_domain::application::ApplicationStatus;
use shelf_persistence::{applications, now};
use utoipa::IntoParams;

use super::{ApplicationList, ApplicationResponse};
use crate::auth::Reviewer;
use crate::extract::Query;
use crate::pagination::MAX_LIMIT;
use crate::problem::ApiError;
use crate::{AppState, blocking};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Default `pending`.
    pub status: Option<ApplicationStatus>,
    /// Only pending applications past their due time.
    pub overdue: Option<bool>,
    /// 1..100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_page_token` of the previous page.
    pub page_token: Option<String>,
}

/// The review queue: applications ordered by due time, earliest first.
#[utoipa::path(
    operation_id = "listReviewApplications",
    tag = "review",
    params(QueueParams),
    responses(
        (status = 200, description = "A page of the queue", body = ApplicationList),
        (status = 400, description = "A bad parameter"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a reviewer"),
    ),
    security(("bearer_jwt" = ["reviewer"]))
)]
#[get("/review/applications")]
pub async fn queue(
    state: web::Data<AppState>,
    _: Reviewer,
    Query(params): Query<QueueParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = params.limit.unwrap_or(20);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_parameter(
            "limit",
            ViolationCode::OutOfRange,
            format!("limit must be 1..{MAX_LIMIT}"),
        ));
    }
    let bad_token =
        || ApiError::bad_parameter("page_token", ViolationCode::InvalidValue, "not a page token of the review queue");
    let after = params
        .page_token
        .as_deref()
        .map(|t| {
            let raw = URL_SAFE_NO_PAD.decode(t).map_err(|_| bad_token())?;
            let key = String::from_utf8(raw).map_err(|_| bad_token())?;
            key.strip_prefix("q:").filter(|k| k.contains('|')).map(str::to_owned).ok_or_else(bad_token)
        })
        .transpose()?;
    let status = params.status.unwrap_or(ApplicationStatus::Pending);
    let at = now();
    let overdue_at = params.overdue.unwrap_or(false).then_some(at);
    let db = state.db.clone();
    let paged = blocking(move || {
        db.read(|c| applications::review_queue(c, status, overdue_at, limit, after.as_deref())).map_err(|e| match e {
            shelf_persistence::Error::Conflict(_) => bad_token(),
            other => other.into(),
        })
    })
    .await?;
    let next_page_token = paged.next_after.as_deref().map(|k| URL_SAFE_NO_PAD.encode(format!("q:{k}")));
    let items = paged.items.into_iter().map(|a| ApplicationResponse::new(a, at)).collect();
    Ok(HttpResponse::Ok().json(ApplicationList { items, next_page_token }))
}
