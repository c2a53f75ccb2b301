use actix_web::{HttpResponse, post, web};
use shelf_domain::Transition;
use shelf_domain::application::ApplicationStatus;
use shelf_persistence::applications::{self, Decision};
use shelf_persistence::{drafts, now};

use shelf_domain::notification::EventType;

use super::{ApplicationResponse, application_event};
use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Withdraws a pending application (professional services, consulting services and licenses only);
/// the draft goes back to editing.
#[utoipa::path(
    operation_id = "withdrawApplication",
    tag = "applications",
    params(
        ("id" = String, Path, description = "Application id"),
    ),
    responses(
        (status = 200, description = "The withdrawn application", body = ApplicationResponse),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such application (or another seller's)"),
        (status = 409, description = "Not pending, or its delivery method cannot be withdrawn"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/applications/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let application = blocking(move || {
        db.write(|c| {
            let current = applications::get_for_seller(c, &seller.id, &id)?;
            if !current.delivery_method.is_some_and(|m| m.allows_withdrawal()) {
                return Err(ApiError::Conflict(
                    "only professional services, consulting services and licenses can be withdrawn".into(),
                ));
            }
            let decision = Decision {
                status: ApplicationStatus::Withdrawn,
                by: &seller.id,
                at: now(),
                reason: None,
                product_id: None,
            };
            let decided = applications::decide(c, &current, decision)?;
            drafts::transition(c, &current.draft_id, Transition::Withdraw, None)?;
            application_event(c, &decided, EventType::ApplicationWithdrawn)?;
            Ok::<_, ApiError>(decided)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(ApplicationResponse::new(application, now())))
}
