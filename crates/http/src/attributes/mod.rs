//! The seller's catalogue of custom attributes.

mod create;
mod delete;
mod get;
mod list;
mod update;

use chrono::{DateTime, Utc};
use serde::Serialize;
use shelf_domain::attribute::{Attribute, CatalogueAttribute};
use shelf_domain::content::specification::AttributeType;
use utoipa::ToSchema;

use crate::ApiError;
use crate::etag::respond;

pub fn configure(cfg: &mut impl crate::routes::Routes) {
    cfg.service(list::list).service(create::create).service(get::get).service(update::update).service(delete::delete);
}

/// A catalogue attribute as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttributeResponse {
    pub id: String,
    pub code: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub attribute_type: AttributeType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Attribute> for AttributeResponse {
    fn from(a: Attribute) -> Self {
        AttributeResponse {
            id: a.id,
            code: a.definition.code,
            name: a.definition.name,
            description: a.definition.description,
            attribute_type: a.definition.attribute_type,
            unit: a.definition.unit,
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

crate::etag::versioned!(Attribute => AttributeResponse, "/v1/attributes");

/// 422 with every broken rule of the definition.
fn checked(definition: CatalogueAttribute) -> Result<CatalogueAttribute, ApiError> {
    let violations = definition.check();
    if violations.is_empty() { Ok(definition) } else { Err(ApiError::invalid("", violations)) }
}
