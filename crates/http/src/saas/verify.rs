use actix_web::{HttpResponse, post, web};
use shelf_workflows::saas;

use super::SaasVerification;
use crate::AppState;
use crate::auth::Seller;
use crate::problem::ApiError;

/// Verifies the endpoint now: Shelf POSTs it `{"type": "verify", "nonce", "timestamp"}` signed with its
/// secret (Standard Webhooks headers); it passes when the answer is 200 within 5 s with the same
/// `nonce` in a JSON body. The answer is the verification, passed or not.
#[utoipa::path(
    operation_id = "verifySaasEndpoint",
    tag = "saas",
    params(("id" = String, Path, description = "SaaS endpoint id")),
    responses(
        (status = 200, description = "The verification", body = SaasVerification),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such endpoint (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/saas-endpoints/{id}/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let verification = saas::verify(&state.db, &state.sender, &seller.seller_id(), &id).await?;
    Ok(HttpResponse::Ok().json(SaasVerification::from(verification)))
}
