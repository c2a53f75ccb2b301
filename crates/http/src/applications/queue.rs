use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use shelf_domain::application::ApplicationStatus;
use shelf_persistence::applications;
use shelf_persistence::now;
use utoipa::IntoParams;

use super::{ApplicationList, ApplicationResponse};
use crate::auth::Reviewer;
use crate::extract::Query;
use crate::pagination;
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

/// Queue page tokens are tagged `q` (other lists tag theirs with their order).
const QUEUE_TAG: &str = "q";

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
    let limit = pagination::limit(params.limit)?;
    let after = pagination::queue_after(params.page_token.as_deref(), QUEUE_TAG)?;
    let status = params.status.unwrap_or(ApplicationStatus::Pending);
    let at = now();
    let overdue_at = params.overdue.unwrap_or(false).then_some(at);
    let db = state.db.clone();
    let paged =
        blocking(move || Ok(db.read(|c| applications::review_queue(c, status, overdue_at, limit, after.as_ref()))?))
            .await?;
    let next_page_token = paged.next_after.as_deref().map(|k| pagination::encode_tagged(k, QUEUE_TAG));
    let items = paged.items.into_iter().map(|a| ApplicationResponse::new(a, at)).collect();
    Ok(HttpResponse::Ok().json(ApplicationList { items, next_page_token }))
}
