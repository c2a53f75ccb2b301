use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, post, web};
use shelf_domain::application::{Snapshot, SnapshotFile};
use shelf_domain::calendar::{Calendar, EXTENDED_REVIEW_FROM};
use shelf_domain::{Transition, Violation};
use shelf_persistence::applications::{self, NewApplication};
use shelf_persistence::{drafts, files, now};

use super::release_check;
use shelf_domain::notification::EventType;
use shelf_persistence::notifications;

use crate::applications::{ApplicationResponse, application_event};
use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Submits a draft for review: re-runs the full check, then freezes the content into an application
/// and puts the draft in review, in one transaction.
#[utoipa::path(
    operation_id = "submitDraft",
    tag = "drafts",
    params(
        ("id" = String, Path, description = "Draft id"),
    ),
    responses(
        (status = 201, description = "The application", body = ApplicationResponse, headers(("Location" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such draft (or another seller's)"),
        (status = 409, description = "The draft is in review or closed"),
        (status = 422, description = "The draft is not ready: the errors of the release-requirement check"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/drafts/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let offset = state.marketplace_offset_seconds;
    let application = blocking(move || {
        db.write(|c| {
            let calendar = Calendar::new(offset, Default::default())
                .ok_or_else(|| ApiError::internal("bad marketplace offset"))?;
            let submitted_at = now();
            let context = applications::submission_context(
                c,
                &seller.id,
                &id,
                calendar.day_bounds(submitted_at),
                EXTENDED_REVIEW_FROM,
            )?;
            let draft = context.draft;
            if !draft.state.is_editable() {
                return Err(ApiError::Conflict(format!(
                    "the draft is {} and cannot be submitted",
                    draft.state.as_str()
                )));
            }
            let draft_files = files::all_of_draft(c, &draft.id)?;
            let (violations, templates) = release_check(c, &draft, files::attachments_of(&draft_files))?;
            let errors: Vec<Violation> = violations.into_iter().filter(Violation::is_error).collect();
            if !errors.is_empty() {
                return Err(ApiError::invalid("", errors));
            }
            let calendar =
                Calendar::new(offset, context.holidays).ok_or_else(|| ApiError::internal("bad marketplace offset"))?;
            let extended_review = context.extended_review;
            let snapshot_files = draft_files
                .into_iter()
                .map(|f| SnapshotFile {
                    kind: f.kind,
                    filename: f.filename,
                    content_type: f.content_type,
                    size: f.size,
                    sha256: f.sha256,
                })
                .collect();
            let snapshot = Snapshot::freeze(draft.content.clone(), snapshot_files, templates);
            drafts::transition(c, &draft.id, Transition::Submit, None)?;
            let contacts = (seller.email.clone(), seller.phone.clone());
            if context.contacts.as_ref() != Some(&contacts) {
                notifications::remember_contacts(c, &seller.id, contacts.0.as_deref(), contacts.1.as_deref())?;
            }
            let application = applications::insert(
                c,
                NewApplication {
                    seller_id: &seller.id,
                    draft_id: &draft.id,
                    product_id: draft.product_id.as_deref(),
                    kind: draft.kind,
                    snapshot: &snapshot,
                    submitted_at,
                    due_at: calendar.review_due(submitted_at, extended_review),
                    extended_review,
                },
            )?;
            application_event(c, &application, EventType::ApplicationSubmitted)?;
            Ok(application)
        })
    })
    .await?;
    Ok(HttpResponse::build(StatusCode::CREATED)
        .insert_header((LOCATION, format!("/v1/applications/{}", application.id)))
        .json(ApplicationResponse::new(application, now())))
}
