use actix_web::{HttpResponse, post, web};
use shelf_persistence::pricing_templates;

use crate::auth::Seller;
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::quote::{QuoteRequest, QuoteResponse, respond};
use crate::{AppState, blocking};

/// Quotes a pricing template: the total for a quantity over some periods, line by line.
#[utoipa::path(
    operation_id = "quotePricingTemplate",
    tag = "pricing-templates",
    params(
        ("id" = String, Path, description = "Pricing template id"),
    ),
    request_body = QuoteRequest,
    responses(
        (status = 200, description = "The quote; its lines add up to the total", body = QuoteResponse),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such pricing template (or another seller's)"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "Quantity 0 or missing where needed, periods outside 1..120, a period the price lacks, or a total too large"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/pricing-templates/{id}/quote")]
pub async fn quote(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    JsonBody(request): JsonBody<QuoteRequest>,
) -> Result<HttpResponse, ApiError> {
    crate::quote::check_terms(&request)?;
    let db = state.db.clone();
    let template = blocking(move || Ok(db.read(|c| pricing_templates::get_for_seller(c, &seller.id, &id))?)).await?;
    Ok(HttpResponse::Ok().json(respond(&template.body.price, &template.body.currency, &request)?))
}
