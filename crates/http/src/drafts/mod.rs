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
use utoipa_actix_web::service_config::ServiceConfig;

use std::collections::BTreeMap;

use shelf_domain::content::TemplateRef;
use shelf_domain::pricing::template::PricingTemplateBody;
use shelf_domain::product::check_modification;
use shelf_persistence::{pricing_templates, products};

use crate::etag::set_etag;

pub fn configure(cfg: &mut ServiceConfig) {
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

/// Makes a content ready to store: copies the catalogue attributes it names and gives SKUs their
/// codes (422 at `/content/...` for an unknown attribute).
fn prepare(db: &shelf_persistence::Db, seller_id: &str, content: &mut DraftContent) -> Result<(), crate::ApiError> {
    let ids = content.catalogue_attribute_ids();
    let catalogue = db.read(|c| shelf_persistence::attributes::get_many_for_seller(c, seller_id, &ids))?;
    let catalogue = catalogue.into_iter().map(|(id, a)| (id, a.definition)).collect();
    content.prepare_for_save(&catalogue).map_err(|v| crate::ApiError::invalid("/content", v))
}

/// The release-requirement check of a draft with these attachments (and, for a modification, against
/// the live product). Returns the violations and the pricing templates the content names.
fn release_check(
    c: &mut shelf_persistence::DbConnection,
    draft: &Draft,
    attachments: shelf_domain::content::Attachments,
) -> Result<(Vec<shelf_domain::Violation>, BTreeMap<String, PricingTemplateBody>), shelf_persistence::Error> {
    let ids = draft.content.price_template_ids();
    let templates: BTreeMap<String, PricingTemplateBody> =
        pricing_templates::get_many_for_seller(c, &draft.seller_id, &ids)?
            .into_values()
            .map(|t| (t.id, t.body))
            .collect();
    let refs: BTreeMap<String, TemplateRef> = templates
        .iter()
        .map(|(id, t)| (id.clone(), TemplateRef { currency: t.currency.clone(), price: t.price.clone() }))
        .collect();
    let mut violations = draft.content.check(attachments, &refs);
    if let Some(product_id) = &draft.product_id {
        let live = products::get_for_seller(c, &draft.seller_id, product_id)?;
        violations.extend(check_modification(&live.content, &draft.content));
    }
    Ok((violations, templates))
}

/// 201 with the new draft, its `Location` and `ETag`.
pub(crate) fn respond_created(draft: Draft) -> HttpResponse {
    respond(StatusCode::CREATED, draft)
}

/// A draft response with its ETag (and `Location` when it was just created).
fn respond(status: StatusCode, draft: Draft) -> HttpResponse {
    let mut builder = HttpResponse::build(status);
    set_etag(&mut builder, draft.version);
    if status == StatusCode::CREATED {
        builder.insert_header((actix_web::http::header::LOCATION, format!("/v1/drafts/{}", draft.id)));
    }
    builder.json(DraftResponse::from(draft))
}
