use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use shelf_domain::pricing::template::PricingTemplateBody;

use super::{PricingTemplateResponse, checked, respond};
use crate::auth::Seller;
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};
use shelf_domain::pricing::template::PricingTemplate;
use shelf_workflows::catalogue;

/// Creates a pricing template.
#[utoipa::path(
    operation_id = "createPricingTemplate",
    tag = "pricing-templates",
    request_body = PricingTemplateBody,
    responses(
        (status = 201, description = "Created", body = PricingTemplateResponse,
         headers(("Location" = String), ("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "The account keeps too many already, or A broken rule: name, currency, periods, tiers"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/pricing-templates")]
pub async fn create(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    JsonBody(body): JsonBody<PricingTemplateBody>,
) -> Result<HttpResponse, ApiError> {
    let body = checked(body)?;
    let db = state.db.clone();
    let item: PricingTemplate = blocking(move || Ok(catalogue::create(&db, &seller.seller_id(), &body)?)).await?;
    Ok(respond(StatusCode::CREATED, item))
}
