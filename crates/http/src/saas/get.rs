use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use shelf_workflows::saas;

use super::SaasEndpointResponse;
use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// A SaaS endpoint with its newest verifications (never its secret).
#[utoipa::path(
    operation_id = "getSaasEndpoint",
    tag = "saas",
    params(("id" = String, Path, description = "SaaS endpoint id")),
    responses(
        (status = 200, description = "The endpoint", body = SaasEndpointResponse, headers(("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such endpoint (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/saas-endpoints/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let (endpoint, verifications) = blocking(move || Ok(saas::get(&db, &seller.seller_id(), &id)?)).await?;
    let version = endpoint.version;
    let body = SaasEndpointResponse::new(endpoint, false, Some(verifications));
    Ok(crate::etag::respond_versioned(StatusCode::OK, version, String::new, body))
}
