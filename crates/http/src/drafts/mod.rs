//! Drafts: a seller's products while they are written.

mod create;
mod delete;
mod get;
mod list;
mod logo;
mod request_templates;
mod submit;
mod update;
mod validate;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use shelf_domain::{Draft, DraftContent, DraftKind, DraftState};
use utoipa::ToSchema;

use crate::etag::respond;

pub fn configure(cfg: &mut impl crate::routes::Routes) {
    cfg.service(list::list)
        .service(create::create)
        .service(get::get)
        .service(update::update)
        .service(delete::delete)
        .service(validate::validate)
        .service(logo::put)
        .service(logo::get)
        .service(request_templates::upload)
        .service(request_templates::list)
        .service(request_templates::download)
        .service(request_templates::remove)
        .service(submit::submit);
}

/// A draft as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftResponse {
    #[schema(example = "0194f1d2-7c3a-7b21-9f00-3c1d2e4f5a6b")]
    pub id: String,
    pub kind: DraftKind,
    pub state: DraftState,
    /// The listed product a modification draft changes.
    pub product_id: Option<String>,
    pub content: DraftContent,
    /// Bumped by every change; the ETag is this number in quotes.
    #[schema(example = 1)]
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Draft> for DraftResponse {
    fn from(d: Draft) -> Self {
        DraftResponse {
            id: d.id,
            kind: d.kind,
            state: d.state,
            product_id: d.product_id,
            content: d.content,
            version: d.version,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

crate::etag::versioned!(Draft => DraftResponse, "/v1/drafts");

/// 201 with the new draft, its `Location` and `ETag`.
pub(crate) fn respond_created(draft: Draft) -> HttpResponse {
    respond(StatusCode::CREATED, draft)
}
