use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use shelf_domain::application::{ApplicationStatus, REASON_MAX_CHARS, REASON_MIN_CHARS, may_decide};
use shelf_domain::{DraftKind, Transition, ViolationCode};
use shelf_persistence::applications::{self, Decision};
use shelf_persistence::{drafts, now, products};
use utoipa::ToSchema;

use shelf_domain::notification::EventType;
use shelf_domain::product::ProductStatus;
use shelf_persistence::notifications::{self, Subject};

use super::{ApplicationResponse, application_event, application_subject, notify_decision};
use crate::auth::Reviewer;
use crate::extract::JsonBody;
use crate::problem::{ApiError, FieldError};
use crate::{AppState, blocking};

/// Approves a pending application: a release creates the product, a modification replaces its live
/// content; the draft is closed. Taken exactly once, whoever else decides at the same time.
#[utoipa::path(
    operation_id = "approveApplication",
    tag = "review",
    params(
        ("id" = String, Path, description = "Application id"),
    ),
    responses(
        (status = 200, description = "The approved application", body = ApplicationResponse),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a reviewer"),
        (status = 404, description = "No such application"),
        (status = 409, description = "Already decided"),
    ),
    security(("bearer_jwt" = ["reviewer"]))
)]
#[post("/applications/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    Reviewer(reviewer): Reviewer,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let application = blocking(move || {
        db.write(|c| {
            let (current, receivers) = applications::get_for_decision(c, &id)?;
            if !may_decide(&reviewer.id, &current.seller_id) {
                return Err(ApiError::Forbidden("a reviewer cannot decide an application of their own account".into()));
            }
            if current.status != ApplicationStatus::Pending {
                return Err(ApiError::Conflict(format!("the application is already {}", current.status.as_str())));
            }
            let content = &current.snapshot.content;
            let product = match (current.kind, &current.product_id) {
                (DraftKind::Modification, Some(product_id)) => {
                    let live = products::get(c, product_id)?;
                    products::replace_content(c, &live, content)?
                }
                _ => products::insert(c, &current.seller_id, content)?,
            };
            let decision = Decision {
                status: ApplicationStatus::Approved,
                by: &reviewer.id,
                at: now(),
                reason: None,
                product_id: Some(&product.id),
            };
            let decided = applications::decide(c, &current, decision)?;
            drafts::transition(c, &current.draft_id, Transition::Approve, Some(&product.id))?;
            notify_decision(c, &decided, &receivers)?;
            let product_event = match (current.kind, product.status) {
                (DraftKind::Release, ProductStatus::OnSale) => EventType::ProductListed,
                (_, ProductStatus::Hidden) => EventType::ProductHidden,
                _ => EventType::ProductModified,
            };
            let subject = Subject {
                application_id: Some(&decided.id),
                product_id: Some(&product.id),
                draft_id: Some(&decided.draft_id),
            };
            let events = [(EventType::ApplicationApproved, application_subject(&decided)), (product_event, subject)];
            notifications::append_events(c, &decided.seller_id, &events)?;
            Ok::<_, ApiError>(decided)
        })
    })
    .await?;
    if let Some(product_id) = &application.product_id {
        state.catalog_cache.invalidate(product_id);
    }
    Ok(HttpResponse::Ok().json(ApplicationResponse::new(application, now())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Why, for the seller: 10..2000 characters (leading and trailing spaces not counted).
    #[schema(example = "The description does not say what is delivered.", min_length = 10)]
    pub reason: String,
}

/// Rejects a pending application with a reason; the draft becomes `rejected`, editable and resubmittable.
#[utoipa::path(
    operation_id = "rejectApplication",
    tag = "review",
    params(
        ("id" = String, Path, description = "Application id"),
    ),
    request_body = RejectRequest,
    responses(
        (status = 200, description = "The rejected application", body = ApplicationResponse),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a reviewer"),
        (status = 404, description = "No such application"),
        (status = 409, description = "Already decided"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "The reason is shorter than 10 characters"),
    ),
    security(("bearer_jwt" = ["reviewer"]))
)]
#[post("/applications/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    Reviewer(reviewer): Reviewer,
    id: web::Path<String>,
    JsonBody(body): JsonBody<RejectRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.reason.trim().to_owned();
    let chars = reason.chars().count();
    if !(REASON_MIN_CHARS..=REASON_MAX_CHARS).contains(&chars) {
        let message = format!("a reason is {REASON_MIN_CHARS}..{REASON_MAX_CHARS} characters");
        return Err(ApiError::Unprocessable {
            detail: format!("/reason: {message}"),
            errors: vec![FieldError::at_pointer(
                "/reason",
                if chars < REASON_MIN_CHARS { ViolationCode::TooShort } else { ViolationCode::TooLong },
                message,
            )],
        });
    }
    let db = state.db.clone();
    let application = blocking(move || {
        db.write(|c| {
            let (current, receivers) = applications::get_for_decision(c, &id)?;
            if !may_decide(&reviewer.id, &current.seller_id) {
                return Err(ApiError::Forbidden("a reviewer cannot decide an application of their own account".into()));
            }
            let decision = Decision {
                status: ApplicationStatus::Rejected,
                by: &reviewer.id,
                at: now(),
                reason: Some(&reason),
                product_id: None,
            };
            let decided = applications::decide(c, &current, decision)?;
            drafts::transition(c, &current.draft_id, Transition::Reject, None)?;
            notify_decision(c, &decided, &receivers)?;
            application_event(c, &decided, EventType::ApplicationRejected)?;
            Ok::<_, ApiError>(decided)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(ApplicationResponse::new(application, now())))
}
