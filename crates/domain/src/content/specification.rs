//! Specifications, their attributes, SKUs and prices, in the shape a draft holds them.
//!
//! The full rules (SKU generation, pricing completeness, quotes) build on these types; at this stage
//! the check covers the specification list itself and each specification's identity.

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
            BillingMode::PayPerUse => &[],
        }
    }
}

impl DeliveryMethod {
    /// Whether a specification may have more than one SKU.
    pub fn allows_multi_sku(self) -> bool {
        matches!(self, DeliveryMethod::ProfessionalService | DeliveryMethod::Saas | DeliveryMethod::License)
    }

    /// Whether pay-per-use billing exists for this method.
    pub fn allows_pay_per_use(self) -> bool {
        matches!(self, DeliveryMethod::Image | DeliveryMethod::Saas)
    }
}

/// The stable code of the SKU with these enumeration values in the specification `key`: the same key
/// and values give the same code on any machine, whatever the order they were written in.
pub fn sku_code(key: &str, values: &BTreeMap<String, String>) -> String {
    let mut hash = Sha256::new();
    hash.update(key.as_bytes());
    for (code, value) in values {
        hash.update([0]);
        hash.update(code.as_bytes());
        hash.update([b'=']);
        hash.update(value.as_bytes());
    }
    let digest = hash.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
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
    if mode == BillingMode::PayPerUse && ctx.delivery_method.is_some_and(|m| !m.allows_pay_per_use()) {
        out.push(Violation::error(
            format!("{at}/billing_mode"),
            ViolationCode::BillingModeNotAllowed,
            "pay_per_use exists for images and SaaS only",
        ));
    }
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
    if mode != BillingMode::PayPerUse {
        out.extend(check_prices(spec, at, mode, ctx));
    }
    out
}

fn check_attributes(spec: &Specification, at: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    let attributes = spec.attributes.as_deref().unwrap_or_default();
    let mut quantities = 0;
    let mut codes = HashSet::with_capacity(attributes.len());
    for (j, a) in attributes.iter().enumerate() {
        let at = format!("{at}/attributes/{j}");
        match a.code.as_deref() {
            None => out.push(Violation::required(format!("{at}/code"))),
            Some(code) if !is_attribute_code(code) => out.push(Violation::error(
                format!("{at}/code"),
                ViolationCode::InvalidFormat,
                format!("an attribute code is a letter then letters, digits, `_` or `-` (at most {KEY_MAX_CHARS}); got `{code}`"),
            )),
            Some(code) if is_reserved_attribute_name(code) => out.push(Violation::error(
                format!("{at}/code"),
                ViolationCode::ReservedName,
                format!("`{code}` is a preset attribute name"),
            )),
            Some(code) if !codes.insert(code) => out.push(
                Violation::error(format!("{at}/code"), ViolationCode::Duplicate, format!("code `{code}` is used twice")),
            ),
            Some(_) => {}
        }
        out.extend(check_name(&format!("{at}/name"), a.name.as_deref()));
        match a.attribute_type {
            None => out.push(Violation::required(format!("{at}/type"))),
            Some(AttributeType::Enumeration) => out.extend(check_enumeration(a, &at)),
            Some(AttributeType::Quantity) => {
                quantities += 1;
                if quantities > 1 {
                    out.push(Violation::error(
                        format!("{at}/type"),
                        ViolationCode::TooManyQuantityAttributes,
                        "a specification has at most one quantity attribute",
                    ));
                }
                out.extend(check_quantity(a, &at));
            }
        }
    }
    out
}

fn check_enumeration(a: &SpecAttribute, at: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    for (field, present) in
        [("unit", a.unit.is_some()), ("min", a.min.is_some()), ("max", a.max.is_some()), ("step", a.step.is_some())]
    {
        if present {
            out.push(Violation::error(
                format!("{at}/{field}"),
                ViolationCode::InvalidValue,
                format!("`{field}` belongs to quantity attributes"),
            ));
        }
    }
    match a.values.as_deref() {
        None | Some([]) => out.push(Violation::error(
            format!("{at}/values"),
            ViolationCode::Required,
            "an enumeration has 1..20 values",
        )),
        Some(values) => {
            if values.len() > MAX_VALUES {
                out.push(Violation::error(
                    format!("{at}/values"),
                    ViolationCode::TooMany,
                    format!("at most {MAX_VALUES} values, got {}", values.len()),
                ));
            }
            let mut seen = HashSet::with_capacity(values.len());
            for (k, v) in values.iter().enumerate() {
                if let Some(violation) = check_name(&format!("{at}/values/{k}"), Some(v)) {
                    out.push(violation);
                } else if !seen.insert(v) {
                    out.push(Violation::error(
                        format!("{at}/values/{k}"),
                        ViolationCode::Duplicate,
                        format!("value `{v}` is repeated"),
                    ));
                }
            }
        }
    }
    out
}

fn check_quantity(a: &SpecAttribute, at: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    if a.values.is_some() {
        out.push(Violation::error(
            format!("{at}/values"),
            ViolationCode::InvalidValue,
            "`values` belong to enumeration attributes",
        ));
    }
    match a.unit.as_deref().map(str::trim) {
        None => out.push(Violation::required(format!("{at}/unit"))),
        Some("") => out.push(Violation::error(format!("{at}/unit"), ViolationCode::TooShort, "unit must not be empty")),
        Some(_) => {}
    }
    let (min, max, step) = (a.min, a.max, a.step);
    for (field, value) in [("min", min), ("max", max), ("step", step)] {
        match value {
            None => out.push(Violation::required(format!("{at}/{field}"))),
            Some(0) => out.push(Violation::error(
                format!("{at}/{field}"),
                ViolationCode::OutOfRange,
                format!("{field} must be at least 1"),
            )),
            Some(_) => {}
        }
    }
    if let (Some(min), Some(max)) = (min, max)
        && max < min
    {
        out.push(Violation::error(
            format!("{at}/max"),
            ViolationCode::OutOfRange,
            format!("max ({max}) is below min ({min})"),
        ));
    }
    if let (Some(min @ 1..), Some(max), Some(step @ 1..)) = (min, max, step)
        && max >= min
        && (max - min) % step != 0
    {
        out.push(Violation::error(
            format!("{at}/step"),
            ViolationCode::StepMismatch,
            format!("max − min ({}) is not a multiple of the step ({step})", max - min),
        ));
    }
    out
}

fn check_skus(spec: &Specification, at: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    // Each SKU as the positions of its values in the enumerations: cheap to check, hash and compare.
    let enumerations: Vec<(&str, HashMap<&str, usize>)> = spec
        .enumerations()
        .filter_map(|a| {
            let values = a.values.as_ref()?.iter().enumerate().map(|(i, v)| (v.as_str(), i)).collect();
            Some((a.code.as_deref()?, values))
        })
        .collect();
    let positions = |values: &BTreeMap<String, String>| -> Option<Vec<usize>> {
        if values.len() != enumerations.len() {
            return None;
        }
        enumerations.iter().map(|(code, index)| index.get(values.get(*code)?.as_str()).copied()).collect()
    };
    let skus = spec.skus.as_deref().unwrap_or_default();
    let empty = BTreeMap::new();
    let mut seen: HashSet<Vec<usize>> = HashSet::with_capacity(skus.len());
    for (k, sku) in skus.iter().enumerate() {
        let values = sku.attributes.as_ref().unwrap_or(&empty);
        match positions(values).map(|p| seen.insert(p)) {
            None => out.push(Violation::error(
                format!("{at}/skus/{k}/attributes"),
                ViolationCode::SkuUnknown,
                format!("no combination of the enumeration values is {}", describe(values)),
            )),
            Some(false) => out.push(Violation::error(
                format!("{at}/skus/{k}/attributes"),
                ViolationCode::Duplicate,
                format!("a SKU with {} is already listed", describe(values)),
            )),
            Some(true) => {}
        }
    }
    // A simple specification may leave its SKUs to the server; a custom one prices each.
    let listed = spec.pricing == Some(PricingKind::Custom) || !skus.is_empty();
    if listed && seen.len() < spec.expected_sku_count() {
        for combo in spec.expected_skus().iter().filter(|c| positions(c).is_none_or(|p| !seen.contains(&p))) {
            out.push(Violation::error(
                format!("{at}/skus"),
                ViolationCode::SkuMissing,
                format!("no SKU for {}", describe(combo)),
            ));
        }
    }
    out
}

fn check_prices(spec: &Specification, at: &str, mode: BillingMode, ctx: &SpecContext<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    let Some(pricing) = spec.pricing else {
        out.push(Violation::required(format!("{at}/pricing")));
        return out;
    };
    let skus = spec.skus.as_deref().unwrap_or_default();
    // Every price of the specification, with where it is and where its problems point.
    let mut prices: Vec<(PriceAt, &Price)> = Vec::new();
    match pricing {
        PricingKind::Simple => {
            for (k, sku) in skus.iter().enumerate() {
                if sku.price.is_some() || sku.price_template_id.is_some() {
                    out.push(Violation::error(
                        format!("{at}/skus/{k}"),
                        ViolationCode::PricingConflict,
                        "a simple specification has one price for all its SKUs",
                    ));
                }
            }
            match &spec.price {
                None => out.push(Violation::error(
                    format!("{at}/price"),
                    ViolationCode::PriceMissing,
                    "a simple specification needs its price",
                )),
                Some(price @ Price::Flat { .. }) => prices.push((PriceAt::Specification, price)),
                Some(_) => out.push(Violation::error(
                    format!("{at}/price/model"),
                    ViolationCode::InvalidValue,
                    "a simple specification's price is flat; use custom pricing for linear or tiered prices",
                )),
            }
        }
        PricingKind::Custom => {
            if spec.price.is_some() {
                out.push(Violation::error(
                    format!("{at}/price"),
                    ViolationCode::PricingConflict,
                    "a custom specification prices each SKU; remove the specification's price",
                ));
            }
            for (k, sku) in skus.iter().enumerate() {
                match (&sku.price, &sku.price_template_id) {
                    (Some(_), Some(_)) => out.push(Violation::error(
                        PriceAt::Template(k).pointer(at),
                        ViolationCode::PricingConflict,
                        "a SKU has a price or a price_template_id, not both",
                    )),
                    (None, None) => out.push(Violation::error(
                        PriceAt::Sku(k).pointer(at),
                        ViolationCode::PriceMissing,
                        "each SKU of a custom specification needs a price or a price_template_id",
                    )),
                    (Some(price), None) => prices.push((PriceAt::Sku(k), price)),
                    (None, Some(id)) => match ctx.templates.get(id) {
                        None => out.push(Violation::error(
                            PriceAt::Template(k).pointer(at),
                            ViolationCode::NotFound,
                            format!("no pricing template `{id}`"),
                        )),
                        Some(template) => {
                            if ctx.currency.is_some_and(|c| c != template.currency) {
                                out.push(Violation::error(
                                    PriceAt::Template(k).pointer(at),
                                    ViolationCode::CurrencyMismatch,
                                    format!(
                                        "the template is in {}, the product in {}",
                                        template.currency,
                                        ctx.currency.unwrap_or("")
                                    ),
                                ));
                            }
                            prices.push((PriceAt::Template(k), &template.price));
                        }
                    },
                }
            }
        }
    }
    let allowed = mode.periods();
    let mut required: Vec<Period> =
        prices.iter().flat_map(|(_, p)| p.periods()).filter(|p| allowed.contains(p)).collect();
    required.sort();
    required.dedup();
    if mode == BillingMode::OneTime {
        required = vec![Period::OneTime];
    }
    let max_quantity = spec.quantity_range().map(|(_, max, _)| u64::from(max));
    for (place, price) in prices {
        if required.is_empty() {
            out.push(Violation::error(
                place.pointer(at),
                ViolationCode::PriceMissing,
                "the price has no month or year amount",
            ));
            continue;
        }
        let violations = check_price(price, PriceContext { allowed, required: &required, max_quantity });
        out.extend(at_pointer(violations, || place.pointer(at)));
    }
    out
}

/// Where a price of a specification sits.
#[derive(Debug, Clone, Copy)]
enum PriceAt {
    Specification,
    Sku(usize),
    Template(usize),
}

impl PriceAt {
    fn pointer(self, at: &str) -> String {
        match self {
            PriceAt::Specification => format!("{at}/price"),
            PriceAt::Sku(k) => format!("{at}/skus/{k}/price"),
            PriceAt::Template(k) => format!("{at}/skus/{k}/price_template_id"),
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn spec(value: serde_json::Value) -> Specification {
        serde_json::from_value(value).unwrap()
    }

    /// A valid custom one-time specification with an edition enumeration and a person-days quantity.
    fn base() -> serde_json::Value {
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

    fn templates() -> BTreeMap<String, TemplateRef> {
        let price = serde_json::from_value(json!({"model": "flat", "amounts": {"one_time": 1000}})).unwrap();
        let eur = serde_json::from_value(json!({"model": "flat", "amounts": {"one_time": 1000}})).unwrap();
        BTreeMap::from([
            ("tpl".to_owned(), TemplateRef { currency: "USD".into(), price }),
            ("eur".to_owned(), TemplateRef { currency: "EUR".into(), price: eur }),
        ])
    }

    fn check_as(method: DeliveryMethod, specs: &[Specification]) -> Vec<(String, ViolationCode)> {
        let templates = templates();
        let ctx = SpecContext { delivery_method: Some(method), currency: Some("USD"), templates: &templates };
        check_all(specs, &ctx).into_iter().map(|v| (v.pointer, v.code)).collect()
    }

    fn check(value: serde_json::Value) -> Vec<(String, ViolationCode)> {
        check_as(DeliveryMethod::ProfessionalService, &[spec(value)])
    }

    fn has(got: &[(String, ViolationCode)], pointer: &str, code: ViolationCode) -> bool {
        got.iter().any(|(p, c)| p == pointer && *c == code)
    }

    #[test]
    fn the_api_example_specification_is_valid() {
        assert_eq!(check(base()), []);
    }

    #[test]
    fn negative_amounts_and_unknown_models_are_refused_when_parsing() {
        let neg = serde_json::from_value::<Price>(json!({"model": "flat", "amounts": {"month": -1}}));
        assert!(neg.unwrap_err().to_string().contains("non-negative"));
        let model = serde_json::from_value::<Price>(json!({"model": "free"}));
        assert!(model.unwrap_err().to_string().contains("unknown variant"));
        let extra = serde_json::from_value::<Price>(json!({"model": "flat", "amounts": {}, "x": 1}));
        assert!(extra.unwrap_err().to_string().contains("unknown field"));
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

    #[test]
    fn skus_are_the_cartesian_product_of_the_enumerations() {
        let mut v = base();
        v["attributes"]
            .as_array_mut()
            .unwrap()
            .push(json!({"code": "region", "name": "Region", "type": "enumeration", "values": ["cn", "eu", "us"]}));
        let s = spec(v);
        assert_eq!(s.expected_sku_count(), 6);
        let skus = s.expected_skus();
        assert_eq!(skus.len(), 6);
        assert!(
            skus.contains(&BTreeMap::from([("edition".into(), "enterprise".into()), ("region".into(), "eu".into())]))
        );
        assert_eq!(spec(json!({"key": "k"})).expected_skus(), vec![BTreeMap::new()]);
    }

    #[test]
    fn a_missing_combination_is_sku_missing_naming_its_values_and_a_stray_one_sku_unknown() {
        let mut v = base();
        v["skus"] = json!([
            {"attributes": {"edition": "basic"}, "price": {"model": "linear", "unit_amounts": {"one_time": 1}}},
            {"attributes": {"edition": "gold"}, "price": {"model": "linear", "unit_amounts": {"one_time": 1}}}
        ]);
        let templates = templates();
        let ctx = SpecContext {
            delivery_method: Some(DeliveryMethod::ProfessionalService),
            currency: Some("USD"),
            templates: &templates,
        };
        let got = check_all(&[spec(v)], &ctx);
        let missing = got.iter().find(|v| v.code == ViolationCode::SkuMissing).unwrap();
        assert_eq!(missing.pointer, "/specifications/0/skus");
        assert!(missing.message.contains("edition=enterprise"), "{}", missing.message);
        assert!(
            got.iter()
                .any(|v| v.code == ViolationCode::SkuUnknown && v.pointer == "/specifications/0/skus/1/attributes")
        );
    }

    #[test]
    fn more_than_200_skus_is_too_many_skus() {
        let values = |n: usize| (0..n).map(|i| format!("v{i}")).collect::<Vec<_>>();
        let v = json!({"key": "k", "name": "n", "billing_mode": "one_time", "pricing": "custom", "attributes": [
            {"code": "a", "name": "A", "type": "enumeration", "values": values(15)},
            {"code": "b", "name": "B", "type": "enumeration", "values": values(14)}
        ]});
        assert!(has(&check(v), "/specifications/0/attributes", ViolationCode::TooManySkus));
    }

    #[test]
    fn one_sku_methods_refuse_multi_sku_specifications() {
        for method in [DeliveryMethod::Image, DeliveryMethod::ConsultingService, DeliveryMethod::Hardware] {
            assert!(has(
                &check_as(method, &[spec(base())]),
                "/specifications/0/attributes",
                ViolationCode::MultiSkuNotAllowed
            ));
        }
        for method in [DeliveryMethod::Saas, DeliveryMethod::License] {
            assert!(!has(
                &check_as(method, &[spec(base())]),
                "/specifications/0/attributes",
                ViolationCode::MultiSkuNotAllowed
            ));
        }
    }

    #[test]
    fn enumeration_values_are_one_to_twenty_distinct_non_empty() {
        let attr = |values: serde_json::Value| {
            let mut v = base();
            v["attributes"][0]["values"] = values;
            check(v)
        };
        assert!(has(&attr(json!([])), "/specifications/0/attributes/0/values", ViolationCode::Required));
        let many: Vec<String> = (0..21).map(|i| format!("v{i}")).collect();
        assert!(has(&attr(json!(many)), "/specifications/0/attributes/0/values", ViolationCode::TooMany));
        assert!(has(
            &attr(json!(["basic", "basic", "enterprise"])),
            "/specifications/0/attributes/0/values/1",
            ViolationCode::Duplicate
        ));
        assert!(has(
            &attr(json!(["basic", " ", "enterprise"])),
            "/specifications/0/attributes/0/values/1",
            ViolationCode::TooShort
        ));
    }

    #[test]
    fn quantity_ranges_are_checked() {
        let quantity = |min: u32, max: u32, step: u32| {
            let mut v = base();
            v["attributes"][1]["min"] = json!(min);
            v["attributes"][1]["max"] = json!(max);
            v["attributes"][1]["step"] = json!(step);
            check(v)
        };
        let at = "/specifications/0/attributes/1";
        assert!(has(&quantity(0, 10, 1), &format!("{at}/min"), ViolationCode::OutOfRange));
        assert!(has(&quantity(5, 4, 1), &format!("{at}/max"), ViolationCode::OutOfRange));
        assert!(has(&quantity(1, 10, 0), &format!("{at}/step"), ViolationCode::OutOfRange));
        assert!(has(&quantity(1, 10, 2), &format!("{at}/step"), ViolationCode::StepMismatch));
        assert_eq!(quantity(1, 11, 2), []);
        let mut v = base();
        v["attributes"].as_array_mut().unwrap().push(json!({"code": "users", "name": "Users", "type": "quantity", "unit": "user", "min": 1, "max": 5, "step": 1}));
        assert!(has(&check(v), "/specifications/0/attributes/2/type", ViolationCode::TooManyQuantityAttributes));
    }

    #[test]
    fn reserved_attribute_codes_are_refused() {
        let mut v = base();
        v["attributes"][0]["code"] = json!("version");
        assert!(has(&check(v), "/specifications/0/attributes/0/code", ViolationCode::ReservedName));
    }

    #[test]
    fn periods_must_fit_the_billing_mode() {
        let mut v = base();
        v["skus"][0]["price"] = json!({"model": "linear", "unit_amounts": {"one_time": 1, "month": 2}});
        assert!(has(&check(v), "/specifications/0/skus/0/price/unit_amounts/month", ViolationCode::PeriodNotAllowed));
        let mut v = base();
        v["skus"][0]["price"] = json!({"model": "linear", "unit_amounts": {}});
        assert!(has(&check(v), "/specifications/0/skus/0/price/unit_amounts/one_time", ViolationCode::PriceMissing));
    }

    #[test]
    fn yearly_monthly_prices_all_offer_the_same_periods() {
        let mut v = base();
        v["billing_mode"] = json!("yearly_monthly");
        v["skus"] = json!([
            {"attributes": {"edition": "basic"}, "price": {"model": "linear", "unit_amounts": {"month": 100, "year": 1000}}},
            {"attributes": {"edition": "enterprise"}, "price": {"model": "linear", "unit_amounts": {"month": 200}}}
        ]);
        let got = check(v);
        assert_eq!(got, [("/specifications/0/skus/1/price/unit_amounts/year".to_owned(), ViolationCode::PriceMissing)]);
    }

    #[test]
    fn linear_and_tiered_need_the_quantity_attribute() {
        let mut v = base();
        v["attributes"].as_array_mut().unwrap().pop();
        assert!(has(&check(v), "/specifications/0/skus/0/price/model", ViolationCode::QuantityAttributeRequired));
    }

    #[test]
    fn tiers_increase_strictly_and_the_last_is_open() {
        let tiers = |tiers: serde_json::Value| {
            let mut v = base();
            v["skus"][0]["price"] = json!({"model": "tiered", "tiers": tiers});
            check(v)
        };
        let t = |up_to: serde_json::Value| json!({"up_to": up_to, "unit_amounts": {"one_time": 5}});
        let at = "/specifications/0/skus/0/price/tiers";
        assert_eq!(tiers(json!([t(json!(10)), t(json!(null))])), []);
        assert!(has(
            &tiers(json!([t(json!(10)), t(json!(10)), t(json!(null))])),
            &format!("{at}/1/up_to"),
            ViolationCode::TiersNotIncreasing
        ));
        assert!(has(
            &tiers(json!([t(json!(10)), t(json!(20))])),
            &format!("{at}/1/up_to"),
            ViolationCode::LastTierNotOpen
        ));
        assert!(has(
            &tiers(json!([t(json!(null)), t(json!(null))])),
            &format!("{at}/0/up_to"),
            ViolationCode::TiersNotIncreasing
        ));
        assert!(has(&tiers(json!([])), at, ViolationCode::Required));
    }

    #[test]
    fn amounts_that_could_overflow_a_quote_are_amount_overflow() {
        let mut v = base();
        v["skus"][0]["price"] = json!({"model": "linear", "unit_amounts": {"one_time": i64::MAX / 1000}});
        assert!(has(&check(v), "/specifications/0/skus/0/price", ViolationCode::AmountOverflow));
    }

    #[test]
    fn simple_pricing_has_one_flat_price_and_no_sku_prices() {
        let mut v = base();
        v["pricing"] = json!("simple");
        v["attributes"].as_array_mut().unwrap().pop();
        v["skus"] = json!([{"attributes": {"edition": "basic"}}, {"attributes": {"edition": "enterprise"}}]);
        v["price"] = json!({"model": "flat", "amounts": {"one_time": 1000}});
        assert_eq!(check(v.clone()), []);
        let mut no_skus = v.clone();
        no_skus.as_object_mut().unwrap().remove("skus");
        assert_eq!(check(no_skus), [], "a simple specification may leave its SKUs to the server");
        let mut conflict = v.clone();
        conflict["skus"][0]["price"] = json!({"model": "flat", "amounts": {"one_time": 1}});
        assert!(has(&check(conflict), "/specifications/0/skus/0", ViolationCode::PricingConflict));
        let mut missing = v.clone();
        missing.as_object_mut().unwrap().remove("price");
        assert!(has(&check(missing), "/specifications/0/price", ViolationCode::PriceMissing));
    }

    #[test]
    fn custom_pricing_prices_every_sku_once() {
        let mut v = base();
        v["skus"][1] = json!({"attributes": {"edition": "enterprise"}});
        assert!(has(&check(v), "/specifications/0/skus/1/price", ViolationCode::PriceMissing));
        let mut v = base();
        v["skus"][1]["price"] = json!({"model": "flat", "amounts": {"one_time": 1}});
        assert!(has(&check(v), "/specifications/0/skus/1/price_template_id", ViolationCode::PricingConflict));
        let mut v = base();
        v["price"] = json!({"model": "flat", "amounts": {"one_time": 1}});
        assert!(has(&check(v), "/specifications/0/price", ViolationCode::PricingConflict));
    }

    #[test]
    fn templates_must_exist_and_share_the_currency() {
        let mut v = base();
        v["skus"][1]["price_template_id"] = json!("nope");
        assert!(has(&check(v), "/specifications/0/skus/1/price_template_id", ViolationCode::NotFound));
        let mut v = base();
        v["skus"][1]["price_template_id"] = json!("eur");
        assert!(has(&check(v), "/specifications/0/skus/1/price_template_id", ViolationCode::CurrencyMismatch));
    }

    #[test]
    fn pay_per_use_is_for_images_and_saas_only() {
        let mut v = base();
        v["billing_mode"] = json!("pay_per_use");
        assert!(has(&check(v.clone()), "/specifications/0/billing_mode", ViolationCode::BillingModeNotAllowed));
        assert!(!has(
            &check_as(DeliveryMethod::Saas, &[spec(v)]),
            "/specifications/0/billing_mode",
            ViolationCode::BillingModeNotAllowed
        ));
    }

    #[test]
    fn saving_assigns_every_sku_its_code() {
        let mut s = spec(base());
        s.assign_sku_codes();
        let codes: Vec<_> = s.skus.unwrap().into_iter().map(|k| k.code.unwrap()).collect();
        assert_eq!(codes[0], sku_code("migration", &BTreeMap::from([("edition".into(), "basic".into())])));
        assert_ne!(codes[0], codes[1]);
        assert_eq!(codes[0].len(), 16);
    }

    proptest! {
        #[test]
        fn sku_codes_are_the_same_for_the_same_values_in_any_order(
            pairs in proptest::collection::btree_map("[a-z]{1,8}", "[a-z0-9]{1,8}", 0..6),
            seed in any::<u64>(),
        ) {
            let mut shuffled: Vec<(String, String)> = pairs.clone().into_iter().collect();
            let n = shuffled.len().max(1);
            shuffled.rotate_left((seed as usize) % n);
            shuffled.reverse();
            let rebuilt: BTreeMap<String, String> = shuffled.into_iter().collect();
            prop_assert_eq!(sku_code("spec", &pairs), sku_code("spec", &rebuilt));
        }

        #[test]
        fn different_values_or_keys_give_different_codes(a in "[a-z]{1,8}", b in "[a-z]{1,8}") {
            prop_assume!(a != b);
            let values = |v: &str| BTreeMap::from([("edition".to_owned(), v.to_owned())]);
            prop_assert_ne!(sku_code("spec", &values(&a)), sku_code("spec", &values(&b)));
            prop_assert_ne!(sku_code(&a, &values("x")), sku_code(&b, &values("x")));
        }
    }
}
