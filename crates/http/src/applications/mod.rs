//! Applications: sellers follow their submissions; reviewers work the queue and decide.

mod decide;
mod get;
mod list;
mod queue;
mod withdraw;

pub(crate) use decide::RejectRequest;

use chrono::{DateTime, Utc};
use serde::Serialize;
use shelf_domain::DraftKind;
use shelf_domain::application::{Application, ApplicationStatus, HistoryEntry, Snapshot};
use utoipa::ToSchema;

pub fn configure(cfg: &mut impl crate::routes::Routes) {
    cfg.service(list::list)
        .service(get::get)
        .service(withdraw::withdraw)
        .service(queue::queue)
        .service(decide::approve)
        .service(decide::reject);
}

/// An application as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationResponse {
    pub id: String,
    pub draft_id: String,
    pub product_id: Option<String>,
    pub kind: DraftKind,
    pub status: ApplicationStatus,
    pub submitted_at: DateTime<Utc>,
    /// Three working days after submission in the marketplace time zone (five when extended).
    pub due_at: DateTime<Utc>,
    /// The seller's 10th or later submission of the day: due two working days later.
    pub extended_review: bool,
    /// Pending past its due time.
    pub overdue: bool,
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was rejected.
    pub reason: Option<String>,
    pub snapshot: Snapshot,
    pub history: Vec<HistoryEntry>,
}

impl ApplicationResponse {
    pub fn new(a: Application, now: DateTime<Utc>) -> Self {
        ApplicationResponse {
            overdue: a.is_overdue(now),
            id: a.id,
            draft_id: a.draft_id,
            product_id: a.product_id,
            kind: a.kind,
            status: a.status,
            submitted_at: a.submitted_at,
            due_at: a.due_at,
            extended_review: a.extended_review,
            decided_at: a.decided_at,
            reason: a.reason,
            snapshot: a.snapshot,
            history: a.history,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationList {
    pub items: Vec<ApplicationResponse>,
    /// Pass as `page_token` for the next page; null on the last.
    pub next_page_token: Option<String>,
}
