use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use shelf_workflows::saas;

use super::{CreateSaasEndpointRequest, SaasEndpointResponse};
use crate::auth::Seller;
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Registers a SaaS endpoint (at most 20 per seller). The answer carries the secret its verification
/// requests are signed with, this once.
#[utoipa::path(
    operation_id = "createSaasEndpoint",
    tag = "saas",
    request_body = CreateSaasEndpointRequest,
    responses(
        (status = 201, description = "The endpoint, with its secret", body = SaasEndpointResponse,
            headers(("Location" = String), ("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "Not an https URL with a public domain name, or 20 endpoints already (`limit_reached`)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/saas-endpoints")]
pub async fn create(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    JsonBody(body): JsonBody<CreateSaasEndpointRequest>,
) -> Result<HttpResponse, ApiError> {
    let (db, policy) = (state.db.clone(), state.outbound);
    let endpoint = blocking(move || Ok(saas::create(&db, &seller.seller_id(), &body.url, policy)?)).await?;
    let (version, location) = (endpoint.version, format!("/v1/saas-endpoints/{}", endpoint.id));
    let body = SaasEndpointResponse::new(endpoint, true, Some(vec![]));
    Ok(crate::etag::respond_versioned(StatusCode::CREATED, version, || location, body))
}
