use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shelf_domain::DraftKind;
use shelf_domain::application::{ApplicationStatus, ApplicationSummary};
use shelf_domain::content::DeliveryMethod;
use shelf_persistence::applications;
use shelf_persistence::now;
use utoipa::{IntoParams, ToSchema};

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

/// An application as the review queue lists it (the whole application, with its snapshot and
/// history: `GET /v1/applications/{id}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewQueueItem {
    pub id: String,
    pub seller_id: String,
    pub draft_id: String,
    pub product_id: Option<String>,
    pub kind: DraftKind,
    pub status: ApplicationStatus,
    pub delivery_method: Option<DeliveryMethod>,
    /// The product's name as submitted.
    #[schema(example = "Data Migration Supporting Service")]
    pub name: String,
    pub submitted_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// The seller's 10th or later submission of the day: due two working days later.
    pub extended_review: bool,
    /// Pending past its due time.
    pub overdue: bool,
    pub decided_at: Option<DateTime<Utc>>,
}

impl ReviewQueueItem {
    fn new(a: ApplicationSummary, now: DateTime<Utc>) -> ReviewQueueItem {
        ReviewQueueItem {
            overdue: a.is_overdue(now),
            id: a.id,
            seller_id: a.seller_id,
            draft_id: a.draft_id,
            product_id: a.product_id,
            kind: a.kind,
            status: a.status,
            delivery_method: a.delivery_method,
            name: a.name,
            submitted_at: a.submitted_at,
            due_at: a.due_at,
            extended_review: a.extended_review,
            decided_at: a.decided_at,
        }
    }
}

/// A page of the review queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewQueue {
    pub items: Vec<ReviewQueueItem>,
    /// Pass as `page_token` for the next page; null on the last.
    pub next_page_token: Option<String>,
}

/// How long a page of pending applications past their due time may miss one that has just become
/// overdue (every other page holds exactly until one of its applications becomes overdue).
const OVERDUE_PAGE_SECONDS: i64 = 1;

/// The review queue: applications ordered by due time, earliest first, a line each.
///
/// Pages are served from memory until an application changes (through another instance: within the
/// event poll, a quarter of a second) or one of them becomes overdue.
#[utoipa::path(
    operation_id = "listReviewApplications",
    tag = "review",
    params(QueueParams),
    responses(
        (status = 200, description = "A page of the queue", body = ReviewQueue),
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
    let overdue = params.overdue.unwrap_or(false);
    let key = format!("{status:?}|{overdue}|{limit}|{:?}", params.page_token);
    let body = match state.review_queue.get(&key) {
        Some(page) => page.body.clone(),
        None => {
            let ticket = state.review_queue.ticket();
            let (body, valid_for) = read_page(state.db.clone(), status, overdue, limit, after).await?;
            state.review_queue.put(ticket, &key, String::new(), body.into(), valid_for).body.clone()
        }
    };
    Ok(HttpResponse::Ok().content_type("application/json").body(body))
}

/// A page from the database, rendered, and how long it holds.
async fn read_page(
    db: shelf_persistence::Db,
    status: ApplicationStatus,
    overdue: bool,
    limit: u32,
    after: Option<applications::QueuePosition>,
) -> Result<(Vec<u8>, Duration), ApiError> {
    let at = now();
    let overdue_at = overdue.then_some(at);
    let paged =
        blocking(move || Ok(db.read(|c| applications::review_queue(c, status, overdue_at, limit, after.as_ref()))?))
            .await?;
    let until_one_is_overdue = paged.items.iter().filter_map(|a| a.unchanged_for(at)).min();
    let valid_for = match overdue {
        true => Some(chrono::Duration::seconds(OVERDUE_PAGE_SECONDS)).into_iter().chain(until_one_is_overdue).min(),
        false => until_one_is_overdue,
    };
    let next_page_token = paged.next_after.as_deref().map(|k| pagination::encode_tagged(k, QUEUE_TAG));
    let items = paged.items.into_iter().map(|a| ReviewQueueItem::new(a, at)).collect();
    let body = serde_json::to_vec(&ReviewQueue { items, next_page_token }).map_err(ApiError::internal)?;
    Ok((body, valid_for.and_then(|d| d.to_std().ok()).unwrap_or(Duration::MAX)))
}
