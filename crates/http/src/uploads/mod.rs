//! Resumable uploads of large files (api.md "Files"): declare the file, `PUT` its parts in any order
//! (each safe to retry), then complete it (size and SHA-256 checked) or delete it. Unfinished uploads
//! expire after 24 hours.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_RANGE, CONTENT_TYPE, ETAG, LOCATION};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shelf_domain::upload::UploadStatus;
use shelf_persistence::uploads::Upload;
use shelf_workflows as workflows;
use utoipa::ToSchema;

use crate::auth::Seller;
use crate::extract::{JsonBody, read_limited_into};
use crate::problem::ApiError;
use crate::{AppState, blocking};

pub fn configure(cfg: &mut impl crate::routes::Routes) {
    cfg.service(create)
        .service(get)
        .service(put_part)
        .service(presign_part)
        .service(confirm_part)
        .service(complete)
        .service(remove);
}

/// A file to upload, declared before its bytes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUploadRequest {
    #[schema(example = "analytics-agent-2.4.1.tar.gz")]
    pub filename: String,
    /// The file's media type, lowercase.
    #[schema(example = "application/gzip", pattern = "^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$", max_length = 100)]
    pub media_type: String,
    /// Bytes: at least 1; at most 20 GB (64 MiB on the database store).
    #[schema(example = 2147483648_u64, minimum = 1)]
    pub size: u64,
    /// The whole file's SHA-256, checked when the upload completes.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", pattern = "^[0-9a-f]{64}$")]
    pub sha256: String,
}

/// UploadStatus as the API shows it.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UploadState {
    Open,
    Completed,
    Aborted,
    Expired,
}

impl From<UploadStatus> for UploadState {
    fn from(s: UploadStatus) -> Self {
        match s {
            UploadStatus::Open => UploadState::Open,
            UploadStatus::Completed => UploadState::Completed,
            UploadStatus::Aborted => UploadState::Aborted,
            UploadStatus::Expired => UploadState::Expired,
        }
    }
}

/// An upload: what was declared, how to cut it into parts, and what has arrived.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadResponse {
    pub id: String,
    pub filename: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    /// Every part but the last is exactly this many bytes.
    pub part_size: u64,
    /// Parts are numbered 1..=parts.
    pub parts: u64,
    pub status: UploadState,
    /// The part numbers received so far (resume by sending the others).
    pub received_parts: Vec<u64>,
    /// Why the server aborted it, when it did.
    pub failure: Option<String>,
    pub created_at: DateTime<Utc>,
    /// An open upload expires then, and its parts are removed.
    pub expires_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl From<Upload> for UploadResponse {
    fn from(u: Upload) -> Self {
        UploadResponse {
            id: u.id,
            filename: u.filename,
            media_type: u.media_type,
            size: u.plan.size,
            sha256: u.sha256,
            part_size: u.plan.part_size,
            parts: u.plan.parts,
            status: u.status.into(),
            received_parts: u.received,
            failure: u.failure,
            created_at: u.created_at,
            expires_at: u.expires_at,
            completed_at: u.completed_at,
        }
    }
}

/// A part as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadPart {
    pub number: u64,
    pub size: u64,
    /// The part's own SHA-256 (also its ETag).
    pub sha256: String,
}

/// Declares a file to upload in parts.
#[utoipa::path(
    operation_id = "createUpload",
    tag = "uploads",
    request_body = CreateUploadRequest,
    responses(
        (status = 201, description = "The upload, open for parts", body = UploadResponse, headers(("Location" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "A bad media type, SHA-256 or size, or 20 uploads open already (`limit_reached`)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/uploads")]
pub async fn create(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    JsonBody(body): JsonBody<CreateUploadRequest>,
) -> Result<HttpResponse, ApiError> {
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    let upload = blocking(move || {
        let d = workflows::uploads::Declaration {
            filename: &body.filename,
            media_type: &body.media_type,
            size: body.size,
            sha256: &body.sha256,
        };
        Ok(workflows::uploads::create(&db, &blobs, &seller.seller_id(), &d)?)
    })
    .await?;
    let location = format!("/v1/uploads/{}", upload.id);
    Ok(HttpResponse::build(StatusCode::CREATED).insert_header((LOCATION, location)).json(UploadResponse::from(upload)))
}

/// An upload and the parts it has received.
#[utoipa::path(
    operation_id = "getUpload",
    tag = "uploads",
    params(("id" = String, Path, description = "Upload id")),
    responses(
        (status = 200, description = "The upload", body = UploadResponse),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such upload (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/uploads/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let upload = blocking(move || Ok(workflows::uploads::get(&db, &seller.seller_id(), &id)?)).await?;
    Ok(HttpResponse::Ok().json(UploadResponse::from(upload)))
}

/// Sends part `number`: exactly its bytes. Any order; sending a part again replaces it.
#[utoipa::path(
    operation_id = "putUploadPart",
    tag = "uploads",
    params(
        ("id" = String, Path, description = "Upload id"),
        ("number" = u64, Path, description = "Part number, 1..=parts", minimum = 1),
        ("Content-Range" = Option<String>, Header, description = "Optional: `bytes first-last/size` of this part, checked"),
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The part's bytes: `part_size` of them (fewer for the last part)"),
    responses(
        (status = 200, description = "Stored", body = UploadPart, headers(("ETag" = String, description = "The part's SHA-256"))),
        (status = 400, description = "A part number that is not a whole number"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such upload (or another seller's)"),
        (status = 409, description = "The upload is completed, aborted or expired"),
        (status = 413, description = "Larger than the upload's part size"),
        (status = 415, description = "Not application/octet-stream"),
        (status = 422, description = "No such part number, a body of the wrong length, or a Content-Range that is not this part's"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[put("/uploads/{id}/parts/{number}")]
pub async fn put_part(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    path: web::Path<(String, u64)>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let media = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if media.split(';').next().unwrap_or("").trim() != "application/octet-stream" {
        return Err(ApiError::UnsupportedMediaType("send a part as application/octet-stream".into()));
    }
    let (id, number) = path.into_inner();
    let (db, blobs, seller) = (state.db.clone(), state.blobs.clone(), seller.seller_id());
    let (upload_db, upload_seller, upload_id) = (db.clone(), seller.clone(), id.clone());
    let upload = blocking(move || Ok(workflows::uploads::get(&upload_db, &upload_seller, &upload_id)?)).await?;
    let expected = upload.plan.range_of(number).map_or(0, |r| (r.end - r.start) as usize);
    let bytes = read_limited_into(payload.into_inner(), upload.plan.part_size as usize, expected).await?;
    let range = req.headers().get(CONTENT_RANGE).map(|v| v.to_str().unwrap_or("?").to_owned());
    let size = bytes.len() as u64;
    let sha256 =
        blocking(move || Ok(workflows::uploads::put_part(&db, &blobs, &seller, &id, number, bytes, range.as_deref())?))
            .await?;
    Ok(HttpResponse::Ok().insert_header((ETAG, format!("\"{sha256}\""))).json(UploadPart { number, size, sha256 }))
}

/// Where to send a part straight to the store.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresignedPart {
    pub number: u64,
    /// Always `PUT`, with the part's bytes as the body and nothing else to sign.
    #[schema(example = "PUT")]
    pub method: String,
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// A URL to `PUT` part `number` to, straight to the S3 store (the bytes bypass Shelf); then confirm
/// the part with the ETag S3 answered. Only on the S3 store.
#[utoipa::path(
    operation_id = "presignUploadPart",
    tag = "uploads",
    params(
        ("id" = String, Path, description = "Upload id"),
        ("number" = u64, Path, description = "Part number, 1..=parts", minimum = 1),
    ),
    responses(
        (status = 200, description = "Where to send the part, for an hour", body = PresignedPart),
        (status = 400, description = "A part number that is not a whole number"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such upload (or another seller's)"),
        (status = 409, description = "The upload is not open, or this server's store takes parts only through Shelf"),
        (status = 422, description = "No such part number"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/uploads/{id}/parts/{number}/presign")]
pub async fn presign_part(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    path: web::Path<(String, u64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, number) = path.into_inner();
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    let (url, expires_at) =
        blocking(move || Ok(workflows::uploads::presign_part(&db, &blobs, &seller.seller_id(), &id, number)?)).await?;
    Ok(HttpResponse::Ok().json(PresignedPart { number, method: "PUT".into(), url, expires_at }))
}

/// What the store answered for a part sent by a presigned URL.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmPartRequest {
    /// The `ETag` response header of the store's answer, as it was (quotes included).
    #[schema(example = "\"5d41402abc4b2a76b9719d911017c592\"", min_length = 1, max_length = 200)]
    pub etag: String,
}

/// Records a part sent by a presigned URL. Its bytes are checked with the whole file at completion.
#[utoipa::path(
    operation_id = "confirmUploadPart",
    tag = "uploads",
    params(
        ("id" = String, Path, description = "Upload id"),
        ("number" = u64, Path, description = "Part number, 1..=parts", minimum = 1),
    ),
    request_body = ConfirmPartRequest,
    responses(
        (status = 200, description = "The upload, with the part received", body = UploadResponse),
        (status = 400, description = "Malformed JSON, or a part number that is not a whole number"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such upload (or another seller's)"),
        (status = 409, description = "The upload is not open, or its parts go through Shelf"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "No such part number, or not an ETag"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/uploads/{id}/parts/{number}/confirm")]
pub async fn confirm_part(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    path: web::Path<(String, u64)>,
    JsonBody(body): JsonBody<ConfirmPartRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, number) = path.into_inner();
    let db = state.db.clone();
    let upload =
        blocking(move || Ok(workflows::uploads::confirm_part(&db, &seller.seller_id(), &id, number, &body.etag)?))
            .await?;
    Ok(HttpResponse::Ok().json(UploadResponse::from(upload)))
}

/// Completes an upload: all parts received, its size and SHA-256 the declared ones. Safe to retry.
#[utoipa::path(
    operation_id = "completeUpload",
    tag = "uploads",
    params(("id" = String, Path, description = "Upload id")),
    responses(
        (status = 200, description = "The completed upload", body = UploadResponse),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such upload (or another seller's)"),
        (status = 409, description = "Parts are missing (listed), or the upload is aborted or expired"),
        (status = 422, description = "The parts' SHA-256 is not the declared one (`/sha256`)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/uploads/{id}/complete")]
pub async fn complete(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    let upload = blocking(move || Ok(workflows::uploads::complete(&db, &blobs, &seller.seller_id(), &id)?)).await?;
    Ok(HttpResponse::Ok().json(UploadResponse::from(upload)))
}

/// Deletes an upload: an open one is aborted and its parts removed; a completed one's file is released.
#[utoipa::path(
    operation_id = "deleteUpload",
    tag = "uploads",
    params(("id" = String, Path, description = "Upload id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such upload (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[delete("/uploads/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    blocking(move || Ok(workflows::uploads::delete(&db, &blobs, &seller.seller_id(), &id)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
