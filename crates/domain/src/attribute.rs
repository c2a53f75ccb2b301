//! The seller's catalogue of custom attributes. A specification copies what it uses, so editing or
//! deleting a catalogue attribute never changes a draft or a released product.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::specification::{AttributeType, NAME_MAX_CHARS, is_attribute_code, is_reserved_attribute_name};
use crate::violation::{Violation, ViolationCode};

pub const DESCRIPTION_MAX_CHARS: usize = 500;

/// A stored catalogue attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub id: String,
    pub seller_id: String,
    pub definition: CatalogueAttribute,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A catalogue attribute's definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueAttribute {
    /// Unique per seller: a letter, then letters, digits, `_` or `-` (at most 64).
    #[schema(example = "edition", pattern = "^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
    pub code: String,
    #[schema(example = "Edition")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub attribute_type: AttributeType,
    /// The unit of a quantity attribute, e.g. `person-day`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

impl CatalogueAttribute {
    /// Every rule a catalogue attribute must meet (pointers relative to the attribute).
    pub fn check(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        if !is_attribute_code(&self.code) {
            out.push(Violation::error(
                "/code",
                ViolationCode::InvalidFormat,
                format!("an attribute code is a letter then letters, digits, `_` or `-`; got `{}`", self.code),
            ));
        }
        for (pointer, value) in [("/code", &self.code), ("/name", &self.name)] {
            if is_reserved_attribute_name(value) {
                out.push(Violation::error(
                    pointer,
                    ViolationCode::ReservedName,
                    format!("`{value}` is a preset attribute name"),
                ));
            }
        }
        let name_chars = self.name.trim().chars().count();
        if name_chars == 0 {
            out.push(Violation::error("/name", ViolationCode::TooShort, "name must not be empty"));
        } else if name_chars > NAME_MAX_CHARS {
            out.push(Violation::error(
                "/name",
                ViolationCode::TooLong,
                format!("name must be at most {NAME_MAX_CHARS} characters"),
            ));
        }
        if self.description.as_ref().is_some_and(|d| d.chars().count() > DESCRIPTION_MAX_CHARS) {
            out.push(Violation::error(
                "/description",
                ViolationCode::TooLong,
                format!("description must be at most {DESCRIPTION_MAX_CHARS} characters"),
            ));
        }
        match (self.attribute_type, self.unit.as_deref().map(str::trim)) {
            (AttributeType::Quantity, None | Some("")) => out.push(Violation::required("/unit")),
            (AttributeType::Enumeration, Some(_)) => {
                out.push(Violation::error("/unit", ViolationCode::InvalidValue, "only quantity attributes have a unit"))
            }
            _ => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(code: &str, name: &str, t: AttributeType, unit: Option<&str>) -> CatalogueAttribute {
        CatalogueAttribute {
            code: code.into(),
            name: name.into(),
            description: None,
            attribute_type: t,
            unit: unit.map(Into::into),
        }
    }

    #[test]
    fn reserved_names_are_refused_whatever_their_case() {
        for reserved in ["appName", "version", "OS", "Mode"] {
            let v = attribute(reserved, "Fine", AttributeType::Enumeration, None).check();
            assert_eq!(v[0].code, ViolationCode::ReservedName, "{reserved}");
            let v = attribute("fine", reserved, AttributeType::Enumeration, None).check();
            assert_eq!(v[0].code, ViolationCode::ReservedName, "{reserved}");
        }
    }

    #[test]
    fn quantity_attributes_need_a_unit_and_enumerations_have_none() {
        assert_eq!(attribute("seats", "Seats", AttributeType::Quantity, None).check()[0].pointer, "/unit");
        assert!(attribute("seats", "Seats", AttributeType::Quantity, Some("user")).check().is_empty());
        assert_eq!(
            attribute("tier", "Tier", AttributeType::Enumeration, Some("x")).check()[0].code,
            ViolationCode::InvalidValue
        );
    }

    #[test]
    fn codes_have_a_format() {
        assert_eq!(
            attribute("9lives", "N", AttributeType::Enumeration, None).check()[0].code,
            ViolationCode::InvalidFormat
        );
        assert_eq!(
            attribute("has space", "N", AttributeType::Enumeration, None).check()[0].code,
            ViolationCode::InvalidFormat
        );
    }
}
