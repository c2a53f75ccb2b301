//! Specifications, their attributes, SKUs and prices, in the shape a draft holds them, and the release
//! rules of a specification list: identity here (keys, names, billing mode), then each part in its
//! own module: `attributes` (enumerations and the quantity), `skus` (the combinations and their
//! codes), `prices` (pricing kind, periods, tiers, templates).

mod attributes;
mod prices;
mod skus;

use attributes::check_attributes;
use prices::check_prices;
use skus::check_skus;
pub use skus::sku_code;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use sha2::{Digest, Sha256};

use super::{DeliveryMethod, MAX_SPECIFICATIONS};
pub use crate::pricing::{Amount, PeriodAmounts, Price, Tier, TierMode};
use crate::pricing::{Period, PriceContext, at_pointer, check_price};
use crate::violation::{Violation, ViolationCode};

pub const NAME_MAX_CHARS: usize = 50;
pub const KEY_MAX_CHARS: usize = 64;
pub const USAGE_UNIT_MAX_CHARS: usize = 20;
/// The units an image's pay-per-use price is counted in.
pub const IMAGE_USAGE_UNITS: [&str; 2] = ["hour", "vcpu_hour"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BillingMode {
    /// Each SKU has a monthly and/or a yearly price.
    YearlyMonthly,
    OneTime,
    /// Per unit of usage (`usage` amounts): images and joint-operations SaaS only.
    PayPerUse,
    /// Images only: no prices, every quote 0.
    Free,
}

text_enum!(BillingMode "billing mode" {
    YearlyMonthly => "yearly_monthly",
    OneTime => "one_time",
    PayPerUse => "pay_per_use",
    Free => "free",
});

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
    /// At most 20 can be saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 20)]
    pub attributes: Option<Vec<SpecAttribute>>,
    /// At most 200 to release; at most 400 can be saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 400)]
    pub skus: Option<Vec<Sku>>,
    /// The specification's one price when `pricing` is `simple`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
    /// The software package delivered with this specification: an approved `software_package` asset
    /// of the seller's (`POST /v1/assets`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "0193a1b2-c3d4-7e5f-a6b7-c8d9e0f1a2b3", max_length = 64)]
    pub package_asset_id: Option<String>,
    /// Pay-per-use only: what the usage is counted in (images: `hour` or `vcpu_hour`; SaaS: the
    /// seller's unit, e.g. `call` or `gb_hour`, at most 20 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "call")]
    pub usage_unit: Option<String>,
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
    /// Enumeration values: 1..20 to release; at most 50 can be saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = json!(["basic", "enterprise"]), max_items = 50)]
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
    /// Enumeration attribute code → value (at most 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = json!({"edition": "basic"}))]
    pub attributes: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_template_id: Option<String>,
}

/// At most this many SKUs per specification.
pub const MAX_SKUS: usize = 200;
/// At most this many values per enumeration attribute.
pub const MAX_VALUES: usize = 20;
/// Preset attribute names that sellers may not use (case-insensitive).
pub const RESERVED_ATTRIBUTE_NAMES: [&str; 4] = ["appName", "version", "os", "mode"];

impl BillingMode {
    /// The periods prices may have in this mode.
    pub fn periods(self) -> &'static [Period] {
        match self {
            BillingMode::YearlyMonthly => &[Period::Month, Period::Year],
            BillingMode::OneTime => &[Period::OneTime],
            BillingMode::PayPerUse => &[Period::Usage],
            BillingMode::Free => &[],
        }
    }
}

impl DeliveryMethod {
    /// Whether a specification may have more than one SKU (hardware's come from its enumeration
    /// attributes, its quantity attribute being the units bought).
    pub fn allows_multi_sku(self) -> bool {
        !matches!(self, DeliveryMethod::Image | DeliveryMethod::ConsultingService)
    }
}

/// A pricing template as validation needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateRef {
    pub currency: String,
    pub price: Price,
}

/// What the specification checks need from outside the content.
pub struct SpecContext<'a> {
    pub delivery_method: Option<DeliveryMethod>,
    pub currency: Option<&'a str>,
    /// The seller's pricing templates that the content names, by id.
    pub templates: &'a BTreeMap<String, TemplateRef>,
}

impl Specification {
    /// The quantity attribute, if there is exactly one well-formed one.
    fn quantity_range(&self) -> Option<(u32, u32, u32)> {
        let mut quantities =
            self.attributes.iter().flatten().filter(|a| a.attribute_type == Some(AttributeType::Quantity));
        let q = quantities.next()?;
        match (q.min, q.max, q.step, quantities.next()) {
            (Some(min), Some(max), Some(step), None) if min >= 1 && max >= min && step >= 1 => Some((min, max, step)),
            _ => None,
        }
    }

    /// The least quantity a buyer may take: the quantity attribute's minimum (1 without one).
    pub fn quantity_min(&self) -> u64 {
        self.attributes
            .iter()
            .flatten()
            .find(|a| a.attribute_type == Some(AttributeType::Quantity))
            .and_then(|a| a.min)
            .map_or(1, u64::from)
    }

    fn enumerations(&self) -> impl Iterator<Item = &SpecAttribute> {
        self.attributes.iter().flatten().filter(|a| a.attribute_type == Some(AttributeType::Enumeration))
    }

    /// How many SKUs the enumeration values give (saturating).
    pub fn expected_sku_count(&self) -> usize {
        self.enumerations().fold(1usize, |n, a| n.saturating_mul(a.values.as_ref().map_or(0, Vec::len)))
    }

    /// Every combination of enumeration values (one empty combination when there are none).
    pub fn expected_skus(&self) -> Vec<BTreeMap<String, String>> {
        let mut combos = vec![BTreeMap::new()];
        for attribute in self.enumerations() {
            let (Some(code), Some(values)) = (&attribute.code, &attribute.values) else { continue };
            combos = combos
                .into_iter()
                .flat_map(|combo| {
                    values.iter().map(move |v| {
                        let mut next = combo.clone();
                        next.insert(code.clone(), v.clone());
                        next
                    })
                })
                .collect();
        }
        combos
    }

    /// Gives every SKU its stable code (done at save).
    pub fn assign_sku_codes(&mut self) {
        let Some(key) = self.key.clone() else { return };
        for sku in self.skus.iter_mut().flatten() {
            sku.code = Some(sku_code(&key, sku.attributes.as_ref().unwrap_or(&BTreeMap::new())));
        }
    }
}

fn describe(values: &BTreeMap<String, String>) -> String {
    if values.is_empty() {
        return "no attribute values".into();
    }
    values.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
}

fn is_key(key: &str) -> bool {
    (1..=KEY_MAX_CHARS).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// An attribute code: a letter, then letters, digits, `_` or `-`; at most 64.
pub fn is_attribute_code(code: &str) -> bool {
    (1..=KEY_MAX_CHARS).contains(&code.len())
        && code.as_bytes()[0].is_ascii_alphabetic()
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

pub fn is_reserved_attribute_name(name: &str) -> bool {
    RESERVED_ATTRIBUTE_NAMES.iter().any(|r| r.eq_ignore_ascii_case(name.trim()))
}

pub fn check_all(specs: &[Specification], ctx: &SpecContext<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    if specs.len() > MAX_SPECIFICATIONS {
        out.push(Violation::error(
            "/specifications",
            ViolationCode::TooMany,
            format!("at most {MAX_SPECIFICATIONS} specifications, got {}", specs.len()),
        ));
    }
    let mut keys = HashSet::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        let at = format!("/specifications/{i}");
        match spec.key.as_deref() {
            None => out.push(Violation::required(format!("{at}/key"))),
            Some(key) if !is_key(key) => out.push(Violation::error(
                format!("{at}/key"),
                ViolationCode::InvalidFormat,
                format!("a key is 1..{KEY_MAX_CHARS} of a-z, 0-9, `_` and `-`; got `{key}`"),
            )),
            Some(key) if !keys.insert(key) => out.push(Violation::error(
                format!("{at}/key"),
                ViolationCode::Duplicate,
                format!("key `{key}` is used twice"),
            )),
            Some(_) => {}
        }
        out.extend(check_name(&format!("{at}/name"), spec.name.as_deref()));
        out.extend(check_spec(spec, &at, ctx));
    }
    out
}

fn check_name(pointer: &str, name: Option<&str>) -> Option<Violation> {
    match name.map(|n| n.trim().chars().count()) {
        None => Some(Violation::required(pointer)),
        Some(0) => Some(Violation::error(pointer, ViolationCode::TooShort, "name must not be empty")),
        Some(n) if n > NAME_MAX_CHARS => Some(Violation::error(
            pointer,
            ViolationCode::TooLong,
            format!("name must be at most {NAME_MAX_CHARS} characters, got {n}"),
        )),
        Some(_) => None,
    }
}

fn check_spec(spec: &Specification, at: &str, ctx: &SpecContext<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    let Some(mode) = spec.billing_mode else {
        out.push(Violation::required(format!("{at}/billing_mode")));
        return out;
    };
    out.extend(check_attributes(spec, at));
    let sku_count = spec.expected_sku_count();
    if sku_count > MAX_SKUS {
        out.push(Violation::error(
            format!("{at}/attributes"),
            ViolationCode::TooManySkus,
            format!("the enumeration values give {sku_count} SKUs; at most {MAX_SKUS}"),
        ));
        return out;
    }
    if sku_count > 1 && ctx.delivery_method.is_some_and(|m| !m.allows_multi_sku()) {
        out.push(Violation::error(
            format!("{at}/attributes"),
            ViolationCode::MultiSkuNotAllowed,
            format!("this delivery method has one SKU per specification; these attributes give {sku_count}"),
        ));
    }
    out.extend(check_skus(spec, at));
    match mode {
        BillingMode::Free => out.extend(check_free(spec, at)),
        _ => out.extend(check_prices(spec, at, mode, ctx)),
    }
    out.extend(check_usage_unit(spec, at, mode, ctx.delivery_method));
    out
}

/// A free specification has no prices at all: every quote of it is 0.
fn check_free(spec: &Specification, at: &str) -> Vec<Violation> {
    let not_allowed = |pointer: String| {
        Violation::error(pointer, ViolationCode::NotAllowed, "a free specification has no prices: every quote is 0")
    };
    let mut out = Vec::new();
    if spec.price.is_some() {
        out.push(not_allowed(format!("{at}/price")));
    }
    for (k, sku) in spec.skus.iter().flatten().enumerate() {
        if sku.price.is_some() || sku.price_template_id.is_some() {
            out.push(not_allowed(format!("{at}/skus/{k}/price")));
        }
    }
    out
}

/// A pay-per-use specification names the unit its usage is counted in (images: `hour` or
/// `vcpu_hour`; SaaS: the seller's own, at most 20 characters); other billing modes have none.
fn check_usage_unit(
    spec: &Specification,
    at: &str,
    mode: BillingMode,
    method: Option<DeliveryMethod>,
) -> Vec<Violation> {
    let pointer = format!("{at}/usage_unit");
    match (mode, spec.usage_unit.as_deref()) {
        (BillingMode::PayPerUse, None) => vec![Violation::required(pointer)],
        (BillingMode::PayPerUse, Some(unit)) if method == Some(DeliveryMethod::Image) => {
            if IMAGE_USAGE_UNITS.contains(&unit) {
                vec![]
            } else {
                vec![Violation::error(
                    pointer,
                    ViolationCode::InvalidValue,
                    "an image is billed per `hour` or per `vcpu_hour`",
                )]
            }
        }
        (BillingMode::PayPerUse, Some(unit)) => {
            let n = unit.trim().chars().count();
            if (1..=USAGE_UNIT_MAX_CHARS).contains(&n) {
                vec![]
            } else {
                vec![Violation::error(
                    pointer,
                    ViolationCode::TooLong,
                    format!("a usage unit is 1..{USAGE_UNIT_MAX_CHARS} characters"),
                )]
            }
        }
        (_, Some(_)) => vec![Violation::error(
            pointer,
            ViolationCode::NotAllowed,
            "only pay-per-use specifications have a usage unit",
        )],
        (_, None) => vec![],
    }
}

#[cfg(test)]
pub(super) mod fixtures {
    //! What the tests of every part share: a valid specification and ways to check variants of it.
    pub(super) use super::*;
    pub(super) use proptest::prelude::*;
    pub(super) use serde_json::json;

    pub(super) fn spec(value: serde_json::Value) -> Specification {
        serde_json::from_value(value).unwrap()
    }

    /// A valid custom one-time specification with an edition enumeration and a person-days quantity.
    pub(super) fn base() -> serde_json::Value {
        json!({
            "key": "migration", "name": "Database migration", "billing_mode": "one_time", "pricing": "custom",
            "attributes": [
                {"code": "edition", "name": "Edition", "type": "enumeration", "values": ["basic", "enterprise"]},
                {"code": "person_days", "name": "Person-days", "type": "quantity", "unit": "person-day", "min": 1, "max": 100, "step": 1}
            ],
            "skus": [
                {"attributes": {"edition": "basic"}, "price": {"model": "linear", "unit_amounts": {"one_time": 50000}}},
                {"attributes": {"edition": "enterprise"}, "price_template_id": "tpl"}
            ]
        })
    }

    pub(super) fn templates() -> BTreeMap<String, TemplateRef> {
        let price = serde_json::from_value(json!({"model": "flat", "amounts": {"one_time": 1000}})).unwrap();
        let eur = serde_json::from_value(json!({"model": "flat", "amounts": {"one_time": 1000}})).unwrap();
        BTreeMap::from([
            ("tpl".to_owned(), TemplateRef { currency: "USD".into(), price }),
            ("eur".to_owned(), TemplateRef { currency: "EUR".into(), price: eur }),
        ])
    }

    pub(super) fn check_as(method: DeliveryMethod, specs: &[Specification]) -> Vec<(String, ViolationCode)> {
        let templates = templates();
        let ctx = SpecContext { delivery_method: Some(method), currency: Some("USD"), templates: &templates };
        check_all(specs, &ctx).into_iter().map(|v| (v.pointer, v.code)).collect()
    }

    pub(super) fn check(value: serde_json::Value) -> Vec<(String, ViolationCode)> {
        check_as(DeliveryMethod::ProfessionalService, &[spec(value)])
    }

    pub(super) fn has(got: &[(String, ViolationCode)], pointer: &str, code: ViolationCode) -> bool {
        got.iter().any(|(p, c)| p == pointer && *c == code)
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;

    #[test]
    fn the_api_example_specification_is_valid() {
        assert_eq!(check(base()), []);
    }

    #[test]
    fn specification_identity_is_checked() {
        let s = |key: &str| spec(json!({"key": key, "name": "n", "billing_mode": "one_time"}));
        let got =
            check_as(DeliveryMethod::ProfessionalService, &[s("a"), s("a"), s("Bad Key"), Specification::default()]);
        for (p, c) in [
            ("/specifications/1/key", ViolationCode::Duplicate),
            ("/specifications/2/key", ViolationCode::InvalidFormat),
            ("/specifications/3/key", ViolationCode::Required),
            ("/specifications/3/name", ViolationCode::Required),
            ("/specifications/3/billing_mode", ViolationCode::Required),
            ("/specifications/0/pricing", ViolationCode::Required),
        ] {
            assert!(has(&got, p, c), "{p} {c:?} not in {got:?}");
        }
    }
}
