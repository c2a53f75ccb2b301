//! The draft's logo: `PUT` a PNG of exactly 120×120 pixels, `GET` the same bytes back.

use actix_web::http::header::{CONTENT_TYPE, ETAG};
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use serde::Serialize;
use shelf_domain::DraftId;
use shelf_domain::files::{LOGO_MAX_BYTES, check_logo};
use shelf_persistence::files::{self, FileKind, NewFile};
use shelf_workflows as workflows;
use utoipa::ToSchema;

use crate::auth::Seller;
use crate::etag::IfNoneMatch;
use crate::extract::read_limited;
use crate::problem::ApiError;
use crate::{AppState, blocking, sha256_hex};

/// A stored file's description.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredLogo {
    #[schema(example = "image/png")]
    pub content_type: String,
    pub size: i64,
    /// Hex SHA-256 of the bytes; the logo's ETag.
    pub sha256: String,
}

/// Sets (or replaces) the draft's logo.
#[utoipa::path(
    operation_id = "putDraftLogo",
    tag = "drafts",
    params(("id" = String, Path, description = "Draft id")),
    request_body(content = Vec<u8>, content_type = "image/png", description = "A PNG of exactly 120×120 pixels, at most 5 MB"),
    responses(
        (status = 200, description = "Stored", body = StoredLogo, headers(("ETag" = String, description = "The logo's SHA-256"))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such draft (or another seller's)"),
        (status = 409, description = "The draft is in review or closed"),
        (status = 413, description = "Larger than 5 MB"),
        (status = 415, description = "Not image/png"),
        (status = 422, description = "Not a readable PNG, or not 120×120"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[put("/drafts/{id}/logo")]
pub async fn put(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let media = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if media.split(';').next().unwrap_or("").trim() != "image/png" {
        return Err(ApiError::UnsupportedMediaType("the logo must be sent as image/png".into()));
    }
    let bytes = read_limited(payload.into_inner(), LOGO_MAX_BYTES).await?;
    check_logo(&bytes).map_err(|v| ApiError::invalid("", vec![v]))?;
    let sha256 = sha256_hex(&bytes);
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    let stored = blocking(move || {
        let file = NewFile {
            kind: FileKind::Logo,
            filename: "logo.png",
            content_type: "image/png",
            sha256: &sha256,
            bytes: &bytes,
        };
        Ok(workflows::files::add(&db, &blobs, &seller.seller_id(), &DraftId(id.into_inner()), file)?)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header((ETAG, format!("\"{}\"", stored.sha256))).json(StoredLogo {
        content_type: stored.content_type,
        size: stored.size,
        sha256: stored.sha256,
    }))
}

/// Gets the draft's logo: the bytes that were put.
#[utoipa::path(
    operation_id = "getDraftLogo",
    tag = "drafts",
    params(
        ("id" = String, Path, description = "Draft id"),
        ("If-None-Match" = Option<String>, Header, description = "The logo's ETag the client holds: 304 when it is current"),
    ),
    responses(
        (status = 200, description = "The logo", content_type = "image/png", body = Vec<u8>, headers(("ETag" = String))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such draft (or another seller's), or no logo yet"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/drafts/{id}/logo")]
pub async fn get(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    if_none_match: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    let (row, bytes) =
        blocking(move || Ok(db.read(|c| files::get(c, &blobs, &seller.id, &id, FileKind::Logo, None))?)).await?;
    let etag = format!("\"{}\"", row.sha256);
    if if_none_match.matches(&etag) {
        return Ok(HttpResponse::NotModified().insert_header((ETAG, etag)).finish());
    }
    Ok(HttpResponse::Ok().content_type(row.content_type).insert_header((ETAG, etag)).body(bytes))
}
