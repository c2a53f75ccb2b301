//! Request templates: the Excel or Word files a customer downloads and fills in after purchase.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    CONTENT_DISPOSITION, CONTENT_TYPE, Charset, ContentDisposition, DispositionParam, DispositionType, ETAG,
    ExtendedValue, LOCATION,
};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::Serialize;
use shelf_domain::DraftId;
use shelf_domain::ViolationCode;
use shelf_domain::files::{REQUEST_TEMPLATE_MAX_BYTES, ascii_filename, check_request_template, sanitize_filename};
use shelf_persistence::files::{self, FileKind, FileRow, NewFile};
use shelf_workflows as workflows;
use utoipa::ToSchema;

use crate::auth::Seller;
use crate::problem::{ApiError, FieldError};
use crate::{AppState, blocking, sha256_hex};

/// A stored request template.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestTemplate {
    pub id: String,
    #[schema(example = "Order form.docx")]
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

impl From<FileRow> for RequestTemplate {
    fn from(f: FileRow) -> Self {
        RequestTemplate {
            created_at: f.created_at(),
            id: f.id,
            filename: f.filename,
            content_type: f.content_type,
            size: f.size,
            sha256: f.sha256,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestTemplateList {
    pub items: Vec<RequestTemplate>,
    /// Always null: a draft has at most five.
    pub next_page_token: Option<String>,
}

/// The multipart form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file: .xls, .xlsx, .doc or .docx, at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

fn bad_form(message: &str) -> ApiError {
    ApiError::Unprocessable {
        detail: message.to_owned(),
        errors: vec![FieldError::at_pointer("/file", ViolationCode::Required, message)],
    }
}

/// Reads the one `file` field into a buffer bounded by the size limit.
async fn read_file_field(mut form: Multipart) -> Result<(String, Vec<u8>), ApiError> {
    let malformed = |e: actix_multipart::MultipartError| match crate::extract::unreadable_body(&e) {
        ApiError::BodyTimeout => ApiError::BodyTimeout,
        _ => ApiError::BadRequest { detail: format!("malformed multipart body: {e}"), errors: Vec::new() },
    };
    let mut file = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(malformed)?;
        if field.name() != Some("file") || file.is_some() {
            return Err(bad_form("send exactly one form field, named `file`"));
        }
        let filename = field.content_disposition().and_then(|d| d.get_filename()).unwrap_or("").to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(malformed)?;
            if bytes.len() + chunk.len() > REQUEST_TEMPLATE_MAX_BYTES {
                return Err(ApiError::PayloadTooLarge { limit: REQUEST_TEMPLATE_MAX_BYTES });
            }
            bytes.extend_from_slice(&chunk);
        }
        file = Some((filename, bytes));
    }
    file.ok_or_else(|| bad_form("the form has no `file` field"))
}

/// Uploads a request template (multipart/form-data, field `file`).
#[utoipa::path(
    operation_id = "uploadDraftRequestTemplate",
    tag = "drafts",
    params(
        ("id" = String, Path, description = "Draft id"),
    ),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = RequestTemplate, headers(("Location" = String))),
        (status = 400, description = "Malformed multipart body"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such draft (or another seller's)"),
        (status = 409, description = "The draft is in review or closed"),
        (status = 413, description = "Larger than 10 MB"),
        (status = 415, description = "Not multipart/form-data"),
        (status = 422, description = "Not an .xls, .xlsx, .doc or .docx file, its bytes are something else, or the draft already has five templates (`limit_reached`)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/drafts/{id}/request-templates")]
pub async fn upload(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let media = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !media.to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err(ApiError::UnsupportedMediaType("upload the file as multipart/form-data, field `file`".into()));
    }
    let (filename, bytes) = read_file_field(Multipart::new(req.headers(), payload.into_inner())).await?;
    let filename = sanitize_filename(&filename);
    let kind = check_request_template(&filename, &bytes).map_err(|v| ApiError::invalid("", vec![v]))?;
    let sha256 = sha256_hex(&bytes);
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    let draft_id = id.into_inner();
    let stored = blocking(move || {
        let file = NewFile {
            kind: FileKind::RequestTemplate,
            filename: &filename,
            content_type: kind.content_type(),
            sha256: &sha256,
            bytes: &bytes,
        };
        Ok(workflows::files::add(&db, &blobs, &seller.seller_id(), &DraftId(draft_id), file)?)
    })
    .await?;
    let location = format!("/v1/drafts/{}/request-templates/{}", stored.draft_id, stored.id);
    Ok(HttpResponse::build(StatusCode::CREATED).insert_header((LOCATION, location)).json(RequestTemplate::from(stored)))
}

/// Lists the draft's request templates, oldest first.
#[utoipa::path(
    operation_id = "listDraftRequestTemplates",
    tag = "drafts",
    params(("id" = String, Path, description = "Draft id")),
    responses(
        (status = 200, description = "The templates", body = RequestTemplateList),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such draft (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/drafts/{id}/request-templates")]
pub async fn list(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let rows = blocking(move || Ok(db.read(|c| files::list(c, &seller.id, &id, FileKind::RequestTemplate))?)).await?;
    Ok(HttpResponse::Ok()
        .json(RequestTemplateList { items: rows.into_iter().map(Into::into).collect(), next_page_token: None }))
}

/// Downloads a request template: the bytes that were uploaded, as an attachment.
#[utoipa::path(
    operation_id = "downloadDraftRequestTemplate",
    tag = "drafts",
    params(("id" = String, Path, description = "Draft id"), ("file_id" = String, Path, description = "Template id")),
    responses(
        (status = 200, description = "The file, with the media type of its kind",
         content(
             (Vec<u8> = "application/msword"),
             (Vec<u8> = "application/vnd.ms-excel"),
             (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
             (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         ),
         headers(("Content-Disposition" = String), ("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such draft or template (or another seller's)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/drafts/{id}/request-templates/{file_id}")]
pub async fn download(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (draft_id, file_id) = path.into_inner();
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    let (row, bytes) = blocking(move || {
        Ok(db.read(|c| files::get(c, &blobs, &seller.id, &draft_id, FileKind::RequestTemplate, Some(&file_id)))?)
    })
    .await?;
    // RFC 6266: an ASCII `filename` for old clients, the exact name as UTF-8 in `filename*` (RFC 8187).
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii_filename(&row.filename)),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: row.filename.clone().into_bytes(),
            }),
        ],
    };
    Ok(HttpResponse::Ok()
        .content_type(row.content_type)
        .insert_header((CONTENT_DISPOSITION, disposition))
        .insert_header((ETAG, format!("\"{}\"", row.sha256)))
        .body(bytes))
}

/// Deletes a request template of an editable draft.
#[utoipa::path(
    operation_id = "deleteDraftRequestTemplate",
    tag = "drafts",
    params(("id" = String, Path, description = "Draft id"), ("file_id" = String, Path, description = "Template id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such draft or template (or another seller's)"),
        (status = 409, description = "The draft is in review or closed"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[delete("/drafts/{id}/request-templates/{file_id}")]
pub async fn remove(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (draft_id, file_id) = path.into_inner();
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    let draft = DraftId(draft_id);
    blocking(move || {
        Ok(workflows::files::remove(&db, &blobs, &seller.seller_id(), &draft, FileKind::RequestTemplate, &file_id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
