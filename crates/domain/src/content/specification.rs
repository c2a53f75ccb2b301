//! Specifications, their attributes, SKUs and prices, in the shape a draft holds them.
//!
//! The full rules (SKU generation, pricing completeness, quotes) build on these types; at this stage
//! the check covers the specification list itself and each specification's identity.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::MAX_SPECIFICATIONS;
use crate::violation::{Violation, ViolationCode};

pub const NAME_MAX_CHARS: usize = 50;
pub const KEY_MAX_CHARS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BillingMode {
    /// Each SKU has a monthly and/or a yearly price.
    YearlyMonthly,
    OneTime,
    /// Images and joint-operation SaaS only.
    PayPerUse,
}

/// `simple`: one price for the whole specification; `custom`: each SKU priced on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PricingKind {
    Simple,
    Custom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttributeType {
    /// A list of values, e.g. Basic/Enterprise.
    Enumeration,
    /// A number of units, e.g. users or person-days.
    Quantity,
}

/// A specification: the unit a customer buys, with its billing mode, attributes and SKUs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Specification {
    /// Stable identifier within the product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "migration")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Database migration")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_mode: Option<BillingMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing: Option<PricingKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<SpecAttribute>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skus: Option<Vec<Sku>>,
    /// The specification's one price when `pricing` is `simple`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
}

/// An attribute of a specification: an enumeration of values or a quantity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecAttribute {
    /// A catalogue attribute to copy code, name, type and unit from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "edition")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Edition")]
    pub name: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub attribute_type: Option<AttributeType>,
    /// Enumeration values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = json!(["basic", "enterprise"]))]
    pub values: Option<Vec<String>>,
    /// Quantity unit, e.g. `person-day`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
}

/// A SKU: one combination of enumeration values, priced inline or by a pricing template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Sku {
    /// Given by the server; stable for the same attribute values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Enumeration attribute code → value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = json!({"edition": "basic"}))]
    pub attributes: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_template_id: Option<String>,
}

/// A price by model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum Price {
    /// The price does not depend on the quantity.
    Flat { amounts: PeriodAmounts },
    /// Unit price × quantity.
    Linear { unit_amounts: PeriodAmounts },
    /// Ordered tiers; the last is open-ended.
    Tiered {
        #[serde(default)]
        mode: TierMode,
        tiers: Vec<Tier>,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TierMode {
    /// The whole quantity at the tier that contains it.
    #[default]
    Volume,
    /// Each band at its own tier.
    Graduated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Upper bound of the tier (inclusive); `null` for the last, open-ended tier.
    pub up_to: Option<u64>,
    pub unit_amounts: PeriodAmounts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flat_amounts: Option<PeriodAmounts>,
}

/// An amount per billing period, in minor units of the product's currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodAmounts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_time: Option<Amount>,
}

/// A non-negative amount in minor units (cents for USD).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToSchema)]
#[schema(value_type = i64, minimum = 0, example = 50000)]
pub struct Amount(i64);

impl Amount {
    pub fn new(minor_units: i64) -> Option<Amount> {
        (minor_units >= 0).then_some(Amount(minor_units))
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        Amount::new(n).ok_or_else(|| {
            serde::de::Error::invalid_value(serde::de::Unexpected::Signed(n), &"a non-negative amount in minor units")
        })
    }
}

pub fn check_all(specs: &[Specification]) -> Vec<Violation> {
    let mut out = Vec::new();
    if specs.len() > MAX_SPECIFICATIONS {
        out.push(Violation::error(
            "/specifications",
            ViolationCode::TooMany,
            format!("at most {MAX_SPECIFICATIONS} specifications, got {}", specs.len()),
        ));
    }
    for (i, spec) in specs.iter().enumerate() {
        let at = |field: &str| format!("/specifications/{i}/{field}");
        match spec.key.as_deref() {
            None => out.push(Violation::required(at("key"))),
            Some(key) if !is_key(key) => out.push(Violation::error(
                at("key"),
                ViolationCode::InvalidFormat,
                format!("a key is 1..{KEY_MAX_CHARS} of a-z, 0-9, `_` and `-`; got `{key}`"),
            )),
            Some(key) if specs[..i].iter().any(|s| s.key.as_deref() == Some(key)) => {
                out.push(Violation::error(at("key"), ViolationCode::Duplicate, format!("key `{key}` is used twice")))
            }
            Some(_) => {}
        }
        match spec.name.as_deref().map(|n| n.trim().chars().count()) {
            None => out.push(Violation::required(at("name"))),
            Some(0) => out.push(Violation::error(at("name"), ViolationCode::TooShort, "name must not be empty")),
            Some(n) if n > NAME_MAX_CHARS => out.push(Violation::error(
                at("name"),
                ViolationCode::TooLong,
                format!("name must be at most {NAME_MAX_CHARS} characters, got {n}"),
            )),
            Some(_) => {}
        }
        if spec.billing_mode.is_none() {
            out.push(Violation::required(at("billing_mode")));
        }
    }
    out
}

fn is_key(key: &str) -> bool {
    (1..=KEY_MAX_CHARS).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_example_specification_parses() {
        let spec: Specification = serde_json::from_value(serde_json::json!({
            "key": "migration", "name": "Database migration", "billing_mode": "one_time", "pricing": "custom",
            "attributes": [
                {"code": "edition", "name": "Edition", "type": "enumeration", "values": ["basic", "enterprise"]},
                {"code": "person_days", "name": "Person-days", "type": "quantity", "unit": "person-day",
                 "min": 1, "max": 100, "step": 1}
            ],
            "skus": [
                {"attributes": {"edition": "basic"}, "price": {"model": "linear", "unit_amounts": {"one_time": 50000}}},
                {"attributes": {"edition": "enterprise"}, "price_template_id": "tpl"},
                {"attributes": {"edition": "x"}, "price": {"model": "tiered", "mode": "graduated", "tiers": [
                    {"up_to": 10, "unit_amounts": {"month": 900}, "flat_amounts": {"month": 0}},
                    {"up_to": null, "unit_amounts": {"month": 700}}]}}
            ]
        }))
        .unwrap();
        assert_eq!(spec.skus.as_ref().unwrap().len(), 3);
        assert!(matches!(spec.skus.unwrap()[2].price, Some(Price::Tiered { mode: TierMode::Graduated, .. })));
    }

    #[test]
    fn negative_amounts_and_unknown_models_are_refused() {
        let neg = serde_json::from_value::<Price>(serde_json::json!({"model": "flat", "amounts": {"month": -1}}));
        assert!(neg.unwrap_err().to_string().contains("non-negative"));
        let model = serde_json::from_value::<Price>(serde_json::json!({"model": "free"}));
        assert!(model.unwrap_err().to_string().contains("unknown variant"));
        let extra = serde_json::from_value::<Price>(serde_json::json!({"model": "flat", "amounts": {}, "x": 1}));
        assert!(extra.unwrap_err().to_string().contains("unknown field"));
    }

    #[test]
    fn specification_identity_is_checked() {
        let spec = |key: &str| Specification {
            key: Some(key.into()),
            name: Some("n".into()),
            billing_mode: Some(BillingMode::OneTime),
            ..Default::default()
        };
        assert!(check_all(&[spec("a"), spec("b")]).is_empty());
        let v = check_all(&[spec("a"), spec("a"), spec("Bad Key"), Specification::default()]);
        let got: Vec<_> = v.iter().map(|v| (v.pointer.as_str(), v.code)).collect();
        assert_eq!(
            got,
            [
                ("/specifications/1/key", ViolationCode::Duplicate),
                ("/specifications/2/key", ViolationCode::InvalidFormat),
                ("/specifications/3/key", ViolationCode::Required),
                ("/specifications/3/name", ViolationCode::Required),
                ("/specifications/3/billing_mode", ViolationCode::Required),
            ]
        );
    }
}
