use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use shelf_persistence::pricing_templates;

use super::{PricingTemplateResponse, respond};
use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Gets one of the seller's pricing templates.
#[utoipa::path(
    operation_id = "getPricingTemplate",
    tag = "pricing-templates",
    params(("id" = String, Path, description = "Pricing template id")),
    responses(
        (status = 200, description = "The template", body = PricingTemplateResponse, headers(("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such pricing template (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/pricing-templates/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let template = blocking(move || Ok(db.read(|c| pricing_templates::get_for_seller(c, &seller.id, &id))?)).await?;
    Ok(respond(StatusCode::OK, template))
}
