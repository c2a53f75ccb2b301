//! The seller's reusable, named prices, and their quotes.

mod create;
mod delete;
mod get;
mod list;
mod quote;
mod update;

use chrono::{DateTime, Utc};
use serde::Serialize;
use shelf_domain::pricing::template::{PricingTemplate, PricingTemplateBody};
use utoipa::ToSchema;

use crate::ApiError;
use crate::etag::respond;

pub fn configure(cfg: &mut impl crate::routes::Routes) {
    cfg.service(list::list)
        .service(create::create)
        .service(get::get)
        .service(update::update)
        .service(delete::delete)
        .service(quote::quote);
}

/// A pricing template as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PricingTemplateResponse {
    pub id: String,
    #[serde(flatten)]
    pub body: PricingTemplateBody,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PricingTemplate> for PricingTemplateResponse {
    fn from(t: PricingTemplate) -> Self {
        PricingTemplateResponse {
            id: t.id,
            body: t.body,
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

crate::etag::versioned!(PricingTemplate => PricingTemplateResponse, "/v1/pricing-templates");

/// 422 with every broken rule of the template.
fn checked(body: PricingTemplateBody) -> Result<PricingTemplateBody, ApiError> {
    let violations = body.check();
    if violations.is_empty() { Ok(body) } else { Err(ApiError::invalid("", violations)) }
}
