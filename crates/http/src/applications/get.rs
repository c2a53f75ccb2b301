use actix_web::{HttpResponse, get, web};
use shelf_domain::Role;
use shelf_persistence::{applications, now};

use super::ApplicationResponse;
use crate::auth::Authenticated;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Gets an application: a seller its own, a reviewer any.
#[utoipa::path(
    operation_id = "getApplication",
    tag = "applications",
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "The application", body = ApplicationResponse),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Neither a seller nor a reviewer"),
        (status = 404, description = "No such application (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller", "reviewer"]))
)]
#[get("/applications/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Authenticated(account): Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let application = match account.role {
        Role::Seller => blocking(move || Ok(db.read(|c| applications::get_for_seller(c, &account.id, &id))?)).await?,
        Role::Reviewer => blocking(move || Ok(db.read(|c| applications::get(c, &id))?)).await?,
        Role::Admin => {
            return Err(ApiError::Forbidden("applications are read by their seller and by reviewers".into()));
        }
    };
    Ok(HttpResponse::Ok().json(ApplicationResponse::new(application, now())))
}
