use actix_web::{HttpResponse, post, web};
use shelf_domain::ApplicationId;
use shelf_persistence::now;
use shelf_workflows as workflows;

use super::ApplicationResponse;
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
    let application =
        blocking(move || Ok(workflows::review::withdraw(&db, &seller.seller_id(), &ApplicationId(id.into_inner()))?))
            .await?;
    state.review_queue.clear();
    Ok(HttpResponse::Ok().json(ApplicationResponse::new(application, now())))
}
