use actix_web::{HttpResponse, post, web};
use serde::Serialize;
use shelf_domain::DraftId;
use shelf_domain::Violation;
use shelf_domain::limits::MAX_VIOLATIONS_LISTED;
use shelf_workflows as workflows;
use utoipa::ToSchema;

use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// The release-requirement check of a draft.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationReport {
    /// True when there are no errors (warnings do not block submission).
    pub ready: bool,
    /// The broken rules, errors and warnings, in content order: the first 100.
    #[schema(max_items = 100)]
    pub violations: Vec<Violation>,
    /// How many rules are broken in all (more than listed when over 100).
    pub violation_count: usize,
}

impl ValidationReport {
    pub fn new(mut violations: Vec<Violation>) -> Self {
        let ready = !violations.iter().any(Violation::is_error);
        let violation_count = violations.len();
        violations.truncate(MAX_VIOLATIONS_LISTED);
        ValidationReport { ready, violations, violation_count }
    }
}

/// Checks a draft against the release requirements, reporting every violation at once.
#[utoipa::path(
    operation_id = "validateDraft",
    tag = "drafts",
    params(
        ("id" = String, Path, description = "Draft id"),
    ),
    responses(
        (status = 200, description = "The report", body = ValidationReport),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such draft (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/drafts/{id}/validate")]
pub async fn validate(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let violations =
        blocking(move || Ok(workflows::drafts::validate(&db, &seller.seller_id(), &DraftId(id.into_inner()))?)).await?;
    Ok(HttpResponse::Ok().json(ValidationReport::new(violations)))
}
