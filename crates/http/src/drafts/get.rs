use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use shelf_persistence::drafts;

use super::{DraftResponse, respond};
use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Gets one of the seller's drafts.
#[utoipa::path(
    operation_id = "getDraft",
    tag = "drafts",
    params(("id" = String, Path, description = "Draft id")),
    responses(
        (status = 200, description = "The draft", body = DraftResponse, headers(("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such draft (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/drafts/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let draft = blocking(move || Ok(db.read(|c| drafts::get_for_seller(c, &seller.id, &id))?)).await?;
    Ok(respond(StatusCode::OK, draft))
}
