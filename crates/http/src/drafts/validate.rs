use actix_web::{HttpResponse, post, web};
use serde::Serialize;
use shelf_domain::Violation;
use std::collections::BTreeMap;

use shelf_domain::content::TemplateRef;
use shelf_persistence::{drafts, files, pricing_templates};
use utoipa::ToSchema;

use crate::auth::Seller;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// The release-requirement check of a draft.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationReport {
    /// True when there are no errors (warnings do not block submission).
    pub ready: bool,
    /// Every broken rule, errors and warnings, in content order.
    pub violations: Vec<Violation>,
}

/// Checks a draft against the release requirements, reporting every violation at once.
#[utoipa::path(
    tag = "drafts",
    params(
        ("id" = String, Path, description = "Draft id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Accepted as on every POST"),
    ),
    responses(
        (status = 200, description = "The report", body = ValidationReport),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such draft (or another seller's)"),
    ),
    security(("bearer_jwt" = []))
)]
#[post("/drafts/{id}/validate")]
pub async fn validate(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let (draft, templates, attachments) = blocking(move || {
        Ok(db.read(|c| {
            let draft = drafts::get_for_seller(c, &seller.id, &id)?;
            let templates = pricing_templates::get_many_for_seller(c, &seller.id, &draft.content.price_template_ids())?;
            let attachments = files::attachments(c, &draft.id)?;
            Ok((draft, templates, attachments))
        })?)
    })
    .await?;
    let templates: BTreeMap<String, TemplateRef> = templates
        .into_values()
        .map(|t| (t.id, TemplateRef { currency: t.body.currency, price: t.body.price }))
        .collect();
    let violations = draft.content.check(attachments, &templates);
    Ok(HttpResponse::Ok().json(ValidationReport { ready: !violations.iter().any(Violation::is_error), violations }))
}
