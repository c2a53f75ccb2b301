//! Applications: a submitted draft's immutable snapshot under review, and the review's state machine.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::DraftKind;
use crate::content::{DeliveryMethod, DraftContent};
use crate::pricing::template::PricingTemplateBody;
use crate::violation::{Violation, ViolationCode};

/// Where an application is in its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}

text_enum!(ApplicationStatus "application status" {
    Pending => "pending",
    Approved => "approved",
    Rejected => "rejected",
    Withdrawn => "withdrawn",
});

/// A rejection reason has at least this many characters.
pub const REASON_MIN_CHARS: usize = 10;
pub const REASON_MAX_CHARS: usize = 2000;

/// A reviewer's rejection reason, trimmed: REASON_MIN_CHARS..=REASON_MAX_CHARS characters.
/// The pointer is the reason itself ("").
pub fn rejection_reason(text: &str) -> Result<String, Violation> {
    let reason = text.trim();
    let chars = reason.chars().count();
    if (REASON_MIN_CHARS..=REASON_MAX_CHARS).contains(&chars) {
        return Ok(reason.to_owned());
    }
    let code = if chars < REASON_MIN_CHARS { ViolationCode::TooShort } else { ViolationCode::TooLong };
    Err(Violation::error("", code, format!("a reason is {REASON_MIN_CHARS}..{REASON_MAX_CHARS} characters")))
}

impl DeliveryMethod {
    /// Whether the seller may withdraw a pending application (domain.md "Applications").
    pub fn allows_withdrawal(self) -> bool {
        matches!(
            self,
            DeliveryMethod::ProfessionalService | DeliveryMethod::ConsultingService | DeliveryMethod::License
        )
    }
}

/// One step of an application's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HistoryEntry {
    pub status: ApplicationStatus,
    pub at: DateTime<Utc>,
    /// The account that took the step.
    pub by: String,
}

/// A file of the submitted draft, by hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SnapshotFile {
    /// `logo` or `request_template`.
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

/// What was submitted, frozen: the content with every SKU code and every pricing template copied in
/// (a SKU's `price_template_id` becomes its `price`), and the files by hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Snapshot {
    pub content: DraftContent,
    pub files: Vec<SnapshotFile>,
    /// The templates as they were at submission, by id.
    pub pricing_templates: BTreeMap<String, PricingTemplateBody>,
}

impl Snapshot {
    /// Freezes `content`: template references become copies of the templates' prices.
    pub fn freeze(
        mut content: DraftContent,
        files: Vec<SnapshotFile>,
        templates: BTreeMap<String, PricingTemplateBody>,
    ) -> Snapshot {
        for spec in content.specifications.iter_mut().flatten() {
            for sku in spec.skus.iter_mut().flatten() {
                if let Some(template) = sku.price_template_id.as_ref().and_then(|id| templates.get(id)) {
                    sku.price = Some(template.price.clone());
                    sku.price_template_id = None;
                }
            }
        }
        Snapshot { content, files, pricing_templates: templates }
    }
}

/// An application as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub id: String,
    pub seller_id: String,
    pub draft_id: String,
    pub product_id: Option<String>,
    pub kind: DraftKind,
    pub status: ApplicationStatus,
    pub delivery_method: Option<DeliveryMethod>,
    pub submitted_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub extended_review: bool,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub snapshot: Snapshot,
    pub history: Vec<HistoryEntry>,
}

impl Application {
    /// A pending application past its due time.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status == ApplicationStatus::Pending && self.due_at < now
    }
}

/// An application as the review queue lists it: what a reviewer picks the next one by, without the
/// snapshot (the whole application is `GET /v1/applications/{id}`).
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationSummary {
    pub id: String,
    pub seller_id: String,
    pub draft_id: String,
    pub product_id: Option<String>,
    pub kind: DraftKind,
    pub status: ApplicationStatus,
    pub delivery_method: Option<DeliveryMethod>,
    /// The product's name as submitted.
    pub name: String,
    pub submitted_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub extended_review: bool,
    pub decided_at: Option<DateTime<Utc>>,
}

impl ApplicationSummary {
    /// A pending application past its due time.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status == ApplicationStatus::Pending && self.due_at < now
    }

    /// How long what is said of it at `now` holds: until it becomes overdue (pending and not yet due),
    /// else for as long as it stays as it is.
    pub fn unchanged_for(&self, now: DateTime<Utc>) -> Option<chrono::Duration> {
        (self.status == ApplicationStatus::Pending && self.due_at >= now).then(|| self.due_at - now)
    }
}

/// Separation of duties: nobody reviews their own account's submissions.
pub fn may_decide(reviewer_id: &str, seller_id: &str) -> bool {
    reviewer_id != seller_id
}

#[cfg(test)]
mod separation_of_duties {
    #[test]
    fn a_reviewer_may_not_decide_their_own_accounts_application() {
        assert!(!super::may_decide("acme", "acme"));
        assert!(super::may_decide("reviewer-1", "acme"));
    }
}

#[cfg(test)]
mod reasons {
    use super::*;

    #[test]
    fn a_reason_is_trimmed_and_bounded_in_characters() {
        assert_eq!(rejection_reason("  ten chars!  ").unwrap(), "ten chars!");
        assert_eq!(rejection_reason("  short   ").unwrap_err().code, ViolationCode::TooShort);
        assert_eq!(rejection_reason(&"字".repeat(REASON_MAX_CHARS)).unwrap().chars().count(), REASON_MAX_CHARS);
        assert_eq!(rejection_reason(&"x".repeat(REASON_MAX_CHARS + 1)).unwrap_err().code, ViolationCode::TooLong);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(status: ApplicationStatus, due_in_hours: i64, now: DateTime<Utc>) -> ApplicationSummary {
        ApplicationSummary {
            id: "a".into(),
            seller_id: "s".into(),
            draft_id: "d".into(),
            product_id: None,
            kind: DraftKind::Release,
            status,
            delivery_method: None,
            name: "n".into(),
            submitted_at: now,
            due_at: now + chrono::Duration::hours(due_in_hours),
            extended_review: false,
            decided_at: None,
        }
    }

    #[test]
    fn a_queue_line_holds_until_its_application_becomes_overdue() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let due = summary(ApplicationStatus::Pending, 5, now);
        assert!(!due.is_overdue(now));
        assert_eq!(due.unchanged_for(now), Some(chrono::Duration::hours(5)));
        assert!(due.is_overdue(now + chrono::Duration::hours(5) + chrono::Duration::seconds(1)));
        let late = summary(ApplicationStatus::Pending, -1, now);
        assert!(late.is_overdue(now) && late.unchanged_for(now).is_none());
        let decided = summary(ApplicationStatus::Approved, -1, now);
        assert!(!decided.is_overdue(now) && decided.unchanged_for(now).is_none());
    }
}
