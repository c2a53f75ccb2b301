//! Seller capabilities: the hardware whitelist and joint-operations certification, set by admins
//! without a review.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, put, web};
use shelf_domain::SellerId;
use shelf_domain::capability::Capabilities;
use shelf_workflows as workflows;

use crate::auth::Admin;
use crate::etag::{IfMatch, respond_versioned};
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};

fn respond(capabilities: Capabilities, version: i64) -> HttpResponse {
    respond_versioned(StatusCode::OK, version, String::new, capabilities)
}

/// A seller's capabilities (none until set; ETag `"0"`).
#[utoipa::path(
    operation_id = "getSellerCapabilities",
    tag = "admin",
    params(("id" = String, Path, description = "Seller id (the `sub` of the seller's tokens)")),
    responses(
        (status = 200, description = "The capabilities", body = Capabilities, headers(("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not an admin"),
    ),
    security(("bearer_jwt" = ["admin"]))
)]
#[get("/admin/sellers/{id}/capabilities")]
pub async fn get(state: web::Data<AppState>, _: Admin, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let (capabilities, version) =
        blocking(move || Ok(workflows::capabilities::get(&db, &SellerId(id.into_inner()))?)).await?;
    Ok(respond(capabilities, version))
}

/// Sets a seller's capabilities; they take effect for the seller's next submissions.
#[utoipa::path(
    operation_id = "putSellerCapabilities",
    tag = "admin",
    params(
        ("id" = String, Path, description = "Seller id (the `sub` of the seller's tokens)"),
        ("If-Match" = String, Header, description = "The capabilities' current ETag (`\"0\"` before they were ever set)"),
    ),
    request_body = Capabilities,
    responses(
        (status = 200, description = "The new capabilities", body = Capabilities, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not an admin"),
        (status = 412, description = "If-Match does not match the current ETag"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "A member missing or not a boolean"),
        (status = 428, description = "If-Match is missing"),
    ),
    security(("bearer_jwt" = ["admin"]))
)]
#[put("/admin/sellers/{id}/capabilities")]
pub async fn put(
    state: web::Data<AppState>,
    _: Admin,
    id: web::Path<String>,
    if_match: IfMatch,
    JsonBody(body): JsonBody<Capabilities>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let version =
        blocking(move || Ok(workflows::capabilities::put(&db, &SellerId(id.into_inner()), &body, &if_match.0)?))
            .await?;
    Ok(respond(body, version))
}
