//! Sales configuration (domain.md "Sales configuration"): how a listed product sells — where, how many,
//! which specifications are offered openly, a SaaS trial, and the upgrades a customer may make mid-term
//! with their fee. Effective at once and never reviewed; checked against the product as it is now.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::DeliveryMethod;
use crate::content::specification::{AttributeType, BillingMode, Specification};
use crate::pricing::{Period, Price, total};
use crate::product::Product;
use crate::refusal::Refusal;
use crate::violation::{Violation, ViolationCode};

/// Regions a product or specification may list (every ISO 3166-1 code fits).
pub const MAX_REGIONS: usize = 250;
/// Upgrade rules per product (ours).
pub const MAX_UPGRADE_RULES: usize = 100;
/// A SaaS trial lasts 5..31 days (ours).
pub const TRIAL_DAYS: std::ops::RangeInclusive<u32> = 5..=31;
/// Days in a month and a year of an upgrade's term (ours).
pub const MONTH_DAYS: u32 = 30;
pub const YEAR_DAYS: u32 = 365;

/// How a listed product sells. Absent members are the defaults: sold everywhere, no limits, nothing
/// hidden, no trial, no upgrades.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SalesSettings {
    /// Where the product is sold: 1..250 ISO 3166-1 alpha-2 codes; absent or `null`: everywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = json!(["CN", "SG"]), max_items = 250)]
    pub regions: Option<Vec<String>>,
    /// Settings per specification, by key (at most one entry per specification of the product).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub specifications: BTreeMap<String, SpecificationSales>,
    /// SKU upgrades a customer may make mid-term (yearly/monthly SaaS), at most 100.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 100)]
    pub upgrade_rules: Vec<UpgradeRule>,
}

/// How much one customer may buy of a specification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseLimit {
    #[default]
    None,
    /// One per customer until the current order's resource expires (cancelled orders do not count).
    SinglePurchase,
    /// At most `max_quantity` units of the quantity attribute per order.
    MaxQuantity,
}

/// How one specification sells.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecificationSales {
    #[serde(default, skip_serializing_if = "is_default")]
    pub purchase_limit: PurchaseLimit,
    /// With `max_quantity`: the most units per order, within the quantity attribute's range and on its
    /// step grid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_quantity: Option<u32>,
    /// Narrows the product's regions (never widens them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 250)]
    pub regions: Option<Vec<String>>,
    /// Off the product's catalog page, still quotable by its key.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// A free trial of this many days (5..31; yearly/monthly SaaS; one specification per product).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_days: Option<u32>,
}

fn is_default(limit: &PurchaseLimit) -> bool {
    *limit == PurchaseLimit::None
}

/// Whether an upgrade rule still holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UpgradeRuleStatus {
    #[default]
    Valid,
    /// The specification or a SKU was removed, the billing mode is no longer yearly/monthly, or the
    /// target became cheaper than the source (`invalid_reason` says which).
    Invalid,
}

/// An upgrade a customer may make within one specification: from one SKU to another.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpgradeRule {
    #[schema(example = "seats")]
    pub specification: String,
    pub from_sku: String,
    pub to_sku: String,
    /// Set by Shelf.
    #[serde(default)]
    pub status: UpgradeRuleStatus,
    /// Set by Shelf: why the rule stopped holding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_reason: Option<String>,
    /// Set by Shelf: since when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_since: Option<DateTime<Utc>>,
}

impl SalesSettings {
    /// The settings of the specification `key` (the defaults when it has none).
    pub fn of(&self, key: &str) -> SpecificationSales {
        self.specifications.get(key).cloned().unwrap_or_default()
    }

    /// Whether the product's `key` specification is sold in `region`.
    pub fn sold_in(&self, key: &str, region: &str) -> bool {
        lists(&self.regions, region) && lists(&self.of(key).regions, region)
    }

    /// Every rule the settings break for `product`, with pointers into the settings document.
    pub fn check(&self, product: &Product) -> Vec<Violation> {
        let mut out = Vec::new();
        // One entry per specification a product may have: more is refused before anything is looked at.
        if self.specifications.len() > crate::content::MAX_SPECIFICATIONS {
            let max = crate::content::MAX_SPECIFICATIONS;
            return vec![Violation::error("/specifications", ViolationCode::TooMany, format!("at most {max} entries"))];
        }
        if let Some(regions) = &self.regions {
            out.extend(crate::region::check_regions(regions, "/regions", MAX_REGIONS));
        }
        let offered: BTreeMap<&str, &Specification> =
            product.offered_specifications().filter_map(|s| Some((s.key.as_deref()?, s))).collect();
        let saas = product.content.delivery_method == Some(DeliveryMethod::Saas);
        let mut trials = 0;
        for (key, sales) in &self.specifications {
            let at = format!("/specifications/{}", key.replace('~', "~0").replace('/', "~1"));
            let Some(spec) = offered.get(key.as_str()) else {
                out.push(Violation::error(&at, ViolationCode::NotFound, format!("no offered specification `{key}`")));
                continue;
            };
            out.extend(sales.check_limit(spec, &at));
            if let Some(regions) = &sales.regions {
                out.extend(crate::region::check_regions(regions, &format!("{at}/regions"), MAX_REGIONS));
                if let Some(product_regions) = &self.regions {
                    for (i, r) in regions.iter().enumerate() {
                        if !product_regions.contains(r) {
                            out.push(Violation::error(
                                format!("{at}/regions/{i}"),
                                ViolationCode::NotAllowed,
                                format!("the product is not sold in {r}: a specification narrows its regions, never widens them"),
                            ));
                        }
                    }
                }
            }
            if let Some(days) = sales.trial_days {
                trials += 1;
                if !saas || spec.billing_mode != Some(BillingMode::YearlyMonthly) {
                    out.push(Violation::error(
                        format!("{at}/trial_days"),
                        ViolationCode::NotAllowed,
                        "trials exist for yearly/monthly SaaS specifications only",
                    ));
                } else if !TRIAL_DAYS.contains(&days) {
                    out.push(Violation::error(
                        format!("{at}/trial_days"),
                        ViolationCode::OutOfRange,
                        format!("a trial lasts {}..{} days", TRIAL_DAYS.start(), TRIAL_DAYS.end()),
                    ));
                }
            }
        }
        if trials > 1 {
            out.push(Violation::error(
                "/specifications",
                ViolationCode::TooMany,
                "one trial specification per product",
            ));
        }
        out.extend(self.check_upgrade_rules(product));
        out
    }

    fn check_upgrade_rules(&self, product: &Product) -> Vec<Violation> {
        let mut out = Vec::new();
        if self.upgrade_rules.len() > MAX_UPGRADE_RULES {
            out.push(Violation::error(
                "/upgrade_rules",
                ViolationCode::TooMany,
                format!("at most {MAX_UPGRADE_RULES} upgrade rules"),
            ));
            return out;
        }
        let mut seen = BTreeSet::new();
        for (i, rule) in self.upgrade_rules.iter().enumerate() {
            let at = format!("/upgrade_rules/{i}");
            if !seen.insert((&rule.specification, &rule.from_sku, &rule.to_sku)) {
                out.push(Violation::error(&at, ViolationCode::Duplicate, "the same upgrade twice"));
                continue;
            }
            if rule.from_sku == rule.to_sku {
                out.push(Violation::error(
                    format!("{at}/to_sku"),
                    ViolationCode::InvalidValue,
                    "an upgrade goes to another SKU",
                ));
                continue;
            }
            if let Err(why) = rule_holds(product, rule) {
                let code = match why {
                    RuleBreak::Unknown(_) => ViolationCode::NotFound,
                    RuleBreak::NotYearlyMonthly => ViolationCode::NotAllowed,
                    RuleBreak::Cheaper => ViolationCode::PricingConflict,
                    RuleBreak::Removed => ViolationCode::Removed,
                };
                let pointer = match why {
                    RuleBreak::Unknown(member) => format!("{at}/{member}"),
                    _ => at.clone(),
                };
                out.push(Violation::error(pointer, code, why.to_string()));
            }
        }
        out
    }

    /// Re-evaluates the upgrade rules against the product as it is now: a rule that stopped holding is
    /// marked invalid with the reason and the time (once; a rule never becomes valid again by itself).
    /// Returns the rules that became invalid now.
    pub fn refresh_upgrade_rules(&mut self, product: &Product, now: DateTime<Utc>) -> Vec<UpgradeRule> {
        let mut newly = Vec::new();
        for rule in self.upgrade_rules.iter_mut().filter(|r| r.status == UpgradeRuleStatus::Valid) {
            if let Err(why) = rule_holds(product, rule) {
                rule.status = UpgradeRuleStatus::Invalid;
                rule.invalid_reason = Some(why.to_string());
                rule.invalid_since = Some(now);
                newly.push(rule.clone());
            }
        }
        newly
    }

    /// Whether every offered specification is hidden (which hides the product).
    pub fn hides_everything(&self, product: &Product) -> bool {
        let mut offered = product.offered_specifications().filter_map(|s| s.key.as_deref()).peekable();
        offered.peek().is_some() && offered.all(|k| self.of(k).hidden)
    }
}

impl SpecificationSales {
    fn check_limit(&self, spec: &Specification, at: &str) -> Vec<Violation> {
        let pointer = format!("{at}/max_quantity");
        match (self.purchase_limit, self.max_quantity) {
            (PurchaseLimit::None, None) => return vec![],
            (PurchaseLimit::None | PurchaseLimit::SinglePurchase, Some(_)) => {
                return vec![Violation::error(
                    pointer,
                    ViolationCode::NotAllowed,
                    "max_quantity goes with `max_quantity` limits",
                )];
            }
            _ => {}
        }
        if spec.billing_mode == Some(BillingMode::PayPerUse) {
            return vec![Violation::error(
                format!("{at}/purchase_limit"),
                ViolationCode::NotAllowed,
                "pay-per-use specifications have no purchase limit",
            )];
        }
        if self.purchase_limit == PurchaseLimit::SinglePurchase {
            return vec![];
        }
        let Some(max) = self.max_quantity else { return vec![Violation::required(pointer)] };
        let quantity = spec.attributes.iter().flatten().find(|a| a.attribute_type == Some(AttributeType::Quantity));
        match quantity {
            None => vec![Violation::error(
                pointer,
                ViolationCode::QuantityAttributeRequired,
                "a quantity limit needs a quantity attribute",
            )],
            Some(attribute) => {
                attribute.check_quantity(u64::from(max)).err().map(|v| v.under(&pointer)).into_iter().collect()
            }
        }
    }
}

/// Why an upgrade rule does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
enum RuleBreak {
    #[error("no such {0} in the product")]
    Unknown(&'static str),
    #[error("the specification or a SKU of the rule was removed")]
    Removed,
    #[error("upgrades exist for yearly/monthly SaaS only")]
    NotYearlyMonthly,
    #[error("the target SKU is cheaper than the source: that is a downgrade (price conflict)")]
    Cheaper,
}

fn rule_holds(product: &Product, rule: &UpgradeRule) -> Result<(), RuleBreak> {
    let spec = product.specification(&rule.specification).ok_or(RuleBreak::Unknown("specification"))?;
    let sku_price = |code: &str| -> Result<&Price, RuleBreak> {
        if !spec.skus.iter().flatten().any(|s| s.code.as_deref() == Some(code)) {
            return Err(RuleBreak::Unknown(if code == rule.from_sku { "from_sku" } else { "to_sku" }));
        }
        product.offer(&rule.specification, code, None).map_err(|_| RuleBreak::Removed)
    };
    let (from, to) = (sku_price(&rule.from_sku)?, sku_price(&rule.to_sku)?);
    if product.content.delivery_method != Some(DeliveryMethod::Saas)
        || spec.billing_mode != Some(BillingMode::YearlyMonthly)
    {
        return Err(RuleBreak::NotYearlyMonthly);
    }
    let quantity = Some(spec.quantity_min());
    for period in [Period::Month, Period::Year] {
        if let (Ok(a), Ok(b)) = (total(from, period, quantity, 1), total(to, period, quantity, 1))
            && b < a
        {
            return Err(RuleBreak::Cheaper);
        }
    }
    Ok(())
}

/// Whether a region list (absent: everywhere) takes `region`: the one rule the settings, the quotes and
/// the catalog's filter all apply.
fn lists(regions: &Option<Vec<String>>, region: &str) -> bool {
    regions.as_ref().is_none_or(|list| list.iter().any(|c| c == region))
}

/// Where a catalog entry says its product is sold: the members of `CatalogProduct` that decide it (read
/// back from the stored entry, so a list can filter by region without another read).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegionView {
    #[serde(default)]
    regions: Option<Vec<String>>,
    #[serde(default)]
    specification_sales: BTreeMap<String, RegionsOnly>,
    #[serde(default)]
    content: ListedKeys,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct RegionsOnly {
    #[serde(default)]
    regions: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct ListedKeys {
    #[serde(default)]
    specifications: Vec<KeyOnly>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct KeyOnly {
    key: Option<String>,
}

impl RegionView {
    /// Whether the product is sold in `region`: the product's regions allow it and so do those of at
    /// least one listed specification (a product without specifications follows its own).
    pub fn available_in(&self, region: &str) -> bool {
        if !lists(&self.regions, region) {
            return false;
        }
        let mut keys = self.content.specifications.iter().filter_map(|s| s.key.as_deref()).peekable();
        keys.peek().is_none() || keys.any(|k| self.specification_sales.get(k).is_none_or(|s| lists(&s.regions, region)))
    }
}

/// What an upgrade changes: another SKU for the same quantity, or more of the same SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpgradeTarget {
    Sku(String),
    AddedQuantity(u64),
}

/// An upgrade to quote, mid-term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeRequest {
    pub specification: String,
    pub sku: String,
    /// The quantity bought now (1 where the price does not depend on one).
    pub quantity: u64,
    pub target: UpgradeTarget,
    /// `month` (30 days) or `year` (365 days).
    pub period: Period,
    /// Days left of the current term, 1..term.
    pub remaining_days: u32,
    /// Percent of the list price the customer pays, 1..100 (100: no discount).
    pub discount_percent: u32,
}

/// One line of an upgrade fee: a period price that the proration applies to (negative: credited).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeLine {
    pub description: String,
    pub amount: i64,
}

/// An upgrade fee: the lines for one full period, then prorated once (× remaining/term × discount)
/// and rounded half up once, in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeQuote {
    pub lines: Vec<UpgradeLine>,
    pub term_days: u32,
    pub fee: i64,
}

/// Prorates `amount` (≥ 0) by `remaining / term × discount / 100`, exactly, rounding half up once.
pub fn prorate(amount: i64, remaining_days: u32, term_days: u32, discount_percent: u32) -> Option<i64> {
    let numerator = i128::from(amount) * i128::from(remaining_days) * i128::from(discount_percent);
    let denominator = i128::from(term_days) * 100;
    if amount < 0 || denominator == 0 {
        return None;
    }
    i64::try_from((2 * numerator + denominator) / (2 * denominator)).ok()
}

/// The fee of an upgrade (domain.md's formulas): a change of SKU pays the difference of the two
/// prices; more quantity pays, for linear and graduated prices, the price of the new total less the
/// price of the original, and for volume prices the new total's tier unit price × the added units.
/// Downgrades are refused: they happen at renewal only.
pub fn upgrade_fee(
    product: &Product,
    rules: &[UpgradeRule],
    request: &UpgradeRequest,
) -> Result<UpgradeQuote, Refusal> {
    let invalid =
        |pointer: &str, code, message: String| Refusal::Invalid(vec![Violation::error(pointer, code, message)]);
    let term_days = match request.period {
        Period::Month => MONTH_DAYS,
        Period::Year => YEAR_DAYS,
        _ => {
            return Err(invalid(
                "/period",
                ViolationCode::InvalidValue,
                "an upgrade's term is a `month` or a `year`".into(),
            ));
        }
    };
    if !(1..=term_days).contains(&request.remaining_days) {
        return Err(invalid("/remaining_days", ViolationCode::OutOfRange, format!("1..{term_days} days of the term")));
    }
    if !(1..=100).contains(&request.discount_percent) {
        return Err(invalid("/discount_percent", ViolationCode::OutOfRange, "1..100 (100: no discount)".into()));
    }
    let spec = product
        .specification(&request.specification)
        .ok_or_else(|| invalid("/specification", ViolationCode::NotFound, "no such specification".into()))?;
    if product.content.delivery_method != Some(DeliveryMethod::Saas)
        || spec.billing_mode != Some(BillingMode::YearlyMonthly)
    {
        return Err(Refusal::Conflict("upgrades exist for yearly/monthly SaaS specifications only".into()));
    }
    let price_of = |sku: &str, quantity: u64, pointer: &str| -> Result<i64, Refusal> {
        let price = product.offer(&request.specification, sku, Some(quantity)).map_err(|v| {
            Refusal::Invalid(vec![Violation {
                pointer: format!("{pointer}{}", v.pointer.trim_start_matches("/quantity")),
                ..v
            }])
        })?;
        total(price, request.period, Some(quantity), 1)
            .map_err(|e| invalid(pointer, ViolationCode::PriceMissing, format!("no price: {e}")))
    };
    let current = price_of(&request.sku, request.quantity, "/quantity")?;
    let period = request.period.as_str();
    let lines = match &request.target {
        UpgradeTarget::Sku(to) => {
            // Staying on the same SKU needs no rule and costs nothing.
            let same = *to == request.sku;
            let rule = rules
                .iter()
                .find(|r| r.specification == request.specification && r.from_sku == request.sku && r.to_sku == *to);
            match rule {
                None if same => {}
                None => {
                    return Err(invalid(
                        "/to_sku",
                        ViolationCode::NotAllowed,
                        format!("no upgrade rule from `{}` to `{to}`", request.sku),
                    ));
                }
                Some(r) if r.status == UpgradeRuleStatus::Invalid => {
                    return Err(Refusal::Conflict(format!(
                        "the upgrade rule no longer holds: {}",
                        r.invalid_reason.as_deref().unwrap_or("invalid")
                    )));
                }
                Some(_) => {}
            }
            let target = price_of(to, request.quantity, "/quantity")?;
            vec![
                UpgradeLine { description: format!("{to} × {}, per {period}", request.quantity), amount: target },
                UpgradeLine {
                    description: format!("less {} × {}, per {period}", request.sku, request.quantity),
                    amount: -current,
                },
            ]
        }
        UpgradeTarget::AddedQuantity(added) => {
            if *added == 0 {
                return Err(invalid(
                    "/added_quantity",
                    ViolationCode::OutOfRange,
                    "at least 1 (decreases happen at renewal)".into(),
                ));
            }
            let new_total = request
                .quantity
                .checked_add(*added)
                .ok_or_else(|| invalid("/added_quantity", ViolationCode::OutOfRange, "too large".into()))?;
            let price = product.offer(&request.specification, &request.sku, Some(new_total)).map_err(|v| {
                Refusal::Invalid(vec![Violation {
                    pointer: format!("/added_quantity{}", v.pointer.trim_start_matches("/quantity")),
                    ..v
                }])
            })?;
            match price {
                Price::Tiered { mode: crate::pricing::TierMode::Volume, tiers } => {
                    let tier = crate::pricing::tier_containing(tiers, new_total).map(|(_, t)| t);
                    let unit = tier.and_then(|t| t.unit_amounts.get(request.period)).map(|a| a.get());
                    let unit = unit
                        .ok_or_else(|| invalid("/period", ViolationCode::PriceMissing, format!("no {period} price")))?;
                    let amount = unit.checked_mul(i64::try_from(*added).unwrap_or(i64::MAX));
                    let amount = amount
                        .ok_or_else(|| invalid("/added_quantity", ViolationCode::AmountOverflow, "too large".into()))?;
                    vec![UpgradeLine {
                        description: format!("{added} added × the {new_total}-unit tier's price, per {period}"),
                        amount,
                    }]
                }
                _ => {
                    let new_price = price_of(&request.sku, new_total, "/added_quantity")?;
                    vec![
                        UpgradeLine {
                            description: format!("{} × {new_total}, per {period}", request.sku),
                            amount: new_price,
                        },
                        UpgradeLine {
                            description: format!("less {} × {}, per {period}", request.sku, request.quantity),
                            amount: -current,
                        },
                    ]
                }
            }
        }
    };
    let sum = lines.iter().try_fold(0i64, |s, l| s.checked_add(l.amount));
    let sum = sum.ok_or_else(|| invalid("/quantity", ViolationCode::AmountOverflow, "too large".into()))?;
    if sum < 0 {
        return Err(Refusal::Conflict(
            "that is a downgrade: downgrades and decreases happen at renewal only (from 30 days before the term ends)"
                .into(),
        ));
    }
    let fee = prorate(sum, request.remaining_days, term_days, request.discount_percent)
        .ok_or_else(|| invalid("/quantity", ViolationCode::AmountOverflow, "too large".into()))?;
    Ok(UpgradeQuote { lines, term_days, fee })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::product::{Offer, ProductStatus, Removed};

    /// A listed SaaS product: `seats` (yearly/monthly; `standard` linear, `premium` graduated, `team`
    /// volume) and a one-time `setup` specification.
    fn product() -> Product {
        let mut content: crate::DraftContent = serde_json::from_value(json!({
            "delivery_method": "saas",
            "specifications": [{
                "key": "seats", "billing_mode": "yearly_monthly", "pricing": "custom",
                "attributes": [
                    {"code": "level", "type": "enumeration", "values": ["standard", "premium", "team"]},
                    {"code": "seats", "type": "quantity", "min": 1, "max": 1000, "step": 1}
                ],
                "skus": [
                    {"attributes": {"level": "standard"}, "price": {"model": "linear", "unit_amounts": {"month": 100, "year": 1000}}},
                    {"attributes": {"level": "premium"}, "price": {"model": "tiered", "mode": "graduated", "tiers": [
                        {"up_to": 10, "unit_amounts": {"month": 300, "year": 3000}},
                        {"up_to": null, "unit_amounts": {"month": 200, "year": 2000}}]}},
                    {"attributes": {"level": "team"}, "price": {"model": "tiered", "mode": "volume", "tiers": [
                        {"up_to": 10, "unit_amounts": {"month": 150, "year": 1500}},
                        {"up_to": null, "unit_amounts": {"month": 120, "year": 1200}}]}}
                ]
            }, {
                "key": "setup", "billing_mode": "one_time", "pricing": "custom", "attributes": [],
                "skus": [{"attributes": {}, "price": {"model": "flat", "amounts": {"one_time": 5000}}}]
            }]
        }))
        .unwrap();
        for spec in content.specifications.iter_mut().flatten() {
            spec.assign_sku_codes();
        }
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        Product {
            id: "p".into(),
            seller_id: "s".into(),
            status: ProductStatus::OnSale,
            content,
            removed: Removed::default(),
            offer: Offer::default(),
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    fn code(p: &Product, level: &str) -> String {
        let spec = p.specification("seats").unwrap();
        let sku = spec.skus.iter().flatten().find(|s| s.attributes.as_ref().unwrap()["level"] == level).unwrap();
        sku.code.clone().unwrap()
    }

    fn rule(p: &Product, from: &str, to: &str) -> UpgradeRule {
        UpgradeRule {
            specification: "seats".into(),
            from_sku: code(p, from),
            to_sku: code(p, to),
            ..Default::default()
        }
    }

    fn request(
        p: &Product,
        sku: &str,
        quantity: u64,
        target: UpgradeTarget,
        remaining: u32,
        discount: u32,
    ) -> UpgradeRequest {
        UpgradeRequest {
            specification: "seats".into(),
            sku: code(p, sku),
            quantity,
            target,
            period: Period::Month,
            remaining_days: remaining,
            discount_percent: discount,
        }
    }

    #[test]
    fn upgrade_fees_follow_the_formulas() {
        let p = product();
        let rules = [rule(&p, "standard", "premium")];
        let to = |level: &str| UpgradeTarget::Sku(code(&p, level));
        // (case, request, fee): amounts in cents, rounded half up once.
        let cases = [
            // SKU change, 5 seats: premium 5 × 300 = 1500 less standard 5 × 100 = 500 → 1000 × 15/30 × 90%.
            ("change of SKU", request(&p, "standard", 5, to("premium"), 15, 90), 450),
            // Linear, 5 + 3 seats: 800 − 500 = 300 × 10/30 → 100.
            ("linear, more seats", request(&p, "standard", 5, UpgradeTarget::AddedQuantity(3), 10, 100), 100),
            // Graduated, 8 + 4: 10 × 300 + 2 × 200 = 3400 less 8 × 300 = 2400 → 1000 × 1/30 → 33.33 → 33.
            ("graduated, more seats", request(&p, "premium", 8, UpgradeTarget::AddedQuantity(4), 1, 100), 33),
            // Volume, 8 + 4: the 12-seat tier's 120 × 4 added = 480 × 30/30 × 50% → 240.
            ("volume, more seats", request(&p, "team", 8, UpgradeTarget::AddedQuantity(4), 30, 50), 240),
            // Half a cent rounds up: 1000 × 1/30 × 3% = 1.0 … ; 100 × 1/30 × 15% = 0.5 → 1.
            ("half rounds up", request(&p, "standard", 1, UpgradeTarget::AddedQuantity(1), 1, 15), 1),
        ];
        for (case, req, fee) in cases {
            assert_eq!(upgrade_fee(&p, &rules, &req).map(|q| q.fee), Ok(fee), "{case}");
        }
    }

    #[test]
    fn downgrades_and_upgrades_without_a_rule_are_refused() {
        let p = product();
        let rules = [rule(&p, "standard", "premium")];
        let down = request(&p, "premium", 5, UpgradeTarget::Sku(code(&p, "standard")), 10, 100);
        assert!(matches!(upgrade_fee(&p, &rules, &down), Err(Refusal::Invalid(v)) if v[0].pointer == "/to_sku"));
        let reverse = [rule(&p, "premium", "standard")];
        assert!(matches!(upgrade_fee(&p, &reverse, &down), Err(Refusal::Conflict(why)) if why.contains("renewal")));
        let zero = request(&p, "standard", 5, UpgradeTarget::AddedQuantity(0), 10, 100);
        assert!(upgrade_fee(&p, &rules, &zero).is_err());
        let late = request(&p, "standard", 5, UpgradeTarget::AddedQuantity(1), 31, 100);
        assert!(
            matches!(upgrade_fee(&p, &rules, &late), Err(Refusal::Invalid(v)) if v[0].pointer == "/remaining_days")
        );
    }

    #[test]
    fn a_rule_is_checked_and_becomes_invalid_by_itself() {
        let mut p = product();
        let mut sales = SalesSettings { upgrade_rules: vec![rule(&p, "standard", "premium")], ..Default::default() };
        assert_eq!(sales.check(&p), vec![]);
        let cheaper = SalesSettings { upgrade_rules: vec![rule(&p, "premium", "standard")], ..Default::default() };
        assert_eq!(cheaper.check(&p)[0].code, ViolationCode::PricingConflict);
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert!(sales.refresh_upgrade_rules(&p, now).is_empty());
        p.removed.skus.insert("seats".into(), [code(&p, "premium")].into());
        let newly = sales.refresh_upgrade_rules(&p, now);
        assert_eq!(newly.len(), 1);
        assert_eq!(sales.upgrade_rules[0].status, UpgradeRuleStatus::Invalid);
        assert_eq!(sales.upgrade_rules[0].invalid_since, Some(now));
        assert!(sales.refresh_upgrade_rules(&p, now).is_empty(), "marked once");
    }

    #[test]
    fn limits_regions_and_trials_are_checked_against_the_product() {
        let p = product();
        let sales: SalesSettings = serde_json::from_value(json!({
            "regions": ["CN", "SG"],
            "specifications": {
                "seats": {"purchase_limit": "max_quantity", "max_quantity": 1001, "regions": ["DE"], "trial_days": 4},
                "setup": {"purchase_limit": "single_purchase", "trial_days": 7},
                "nope": {"hidden": true}
            }
        }))
        .unwrap();
        let got: Vec<(String, ViolationCode)> = sales.check(&p).into_iter().map(|v| (v.pointer, v.code)).collect();
        for expected in [
            ("/specifications/seats/max_quantity", ViolationCode::OutOfRange),
            ("/specifications/seats/regions/0", ViolationCode::NotAllowed),
            ("/specifications/seats/trial_days", ViolationCode::OutOfRange),
            ("/specifications/setup/trial_days", ViolationCode::NotAllowed),
            ("/specifications/nope", ViolationCode::NotFound),
            ("/specifications", ViolationCode::TooMany),
        ] {
            assert!(got.contains(&(expected.0.into(), expected.1)), "{expected:?} not in {got:?}");
        }
        assert!(sales.sold_in("setup", "CN") && !sales.sold_in("seats", "CN") && !sales.sold_in("setup", "US"));
        let hidden: SalesSettings =
            serde_json::from_value(json!({"specifications": {"seats": {"hidden": true}, "setup": {"hidden": true}}}))
                .unwrap();
        assert!(hidden.hides_everything(&p));
    }

    /// Some regions, or none (everywhere), from a bit mask over SG, US, DE.
    fn regions(mask: u8) -> Option<Vec<String>> {
        (mask < 8).then(|| {
            ["SG", "US", "DE"]
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, c)| c.to_string())
                .collect()
        })
    }

    proptest! {
        /// The set a list filters on says what the entry's own region rule says, for every region.
        #[test]
        fn where_a_product_is_sold_is_what_its_entry_says_of_each_region(
            product_mask in 0u8..9, seats_mask in 0u8..9, setup_mask in 0u8..9, hide_setup in any::<bool>(),
        ) {
            let mut p = product();
            p.offer.sales.regions = regions(product_mask);
            for (key, mask, hidden) in [("seats", seats_mask, false), ("setup", setup_mask, hide_setup)] {
                let spec = SpecificationSales { regions: regions(mask), hidden, ..Default::default() };
                p.offer.sales.specifications.insert(key.into(), spec);
            }
            let entry = p.catalog_entry();
            let view: RegionView = serde_json::from_str(&serde_json::to_string(&entry).unwrap()).unwrap();
            let sold_in = entry.sold_in();
            for region in ["SG", "US", "DE", "FR"] {
                let listed = sold_in.as_ref().is_none_or(|set| set.contains(region));
                prop_assert_eq!(listed, view.available_in(region), "{}", region);
            }
        }

        /// Whatever is asked, an accepted upgrade never costs less than nothing.
        #[test]
        fn an_upgrade_fee_is_never_negative(level in 0usize..3, q in 1u64..900, added in 1u64..100, remaining in 1u32..=30, discount in 1u32..=100) {
            let p = product();
            let from = ["standard", "premium", "team"][level];
            let req = request(&p, from, q, UpgradeTarget::AddedQuantity(added), remaining, discount);
            if let Ok(quote) = upgrade_fee(&p, &[], &req) {
                prop_assert!(quote.fee >= 0);
            }
        }

        /// Staying on the same SKU costs nothing.
        #[test]
        fn an_upgrade_to_the_same_sku_costs_nothing(level in 0usize..3, q in 1u64..1000, remaining in 1u32..=30, discount in 1u32..=100) {
            let p = product();
            let sku = ["standard", "premium", "team"][level];
            let req = request(&p, sku, q, UpgradeTarget::Sku(code(&p, sku)), remaining, discount);
            prop_assert_eq!(upgrade_fee(&p, &[], &req).map(|q| q.fee), Ok(0));
        }

        /// A graduated price's fee grows (never shrinks) with the units added.
        #[test]
        fn graduated_fees_are_monotonic_in_the_added_quantity(q in 1u64..500, added in 1u64..400, remaining in 1u32..=30, discount in 1u32..=100) {
            let p = product();
            let fee = |a| upgrade_fee(&p, &[], &request(&p, "premium", q, UpgradeTarget::AddedQuantity(a), remaining, discount)).unwrap().fee;
            prop_assert!(fee(added + 1) >= fee(added));
        }

        /// Proration rounds half up once: never more than half a cent from the exact value.
        #[test]
        fn proration_is_exact_then_rounded_half_up(amount in 0i64..1_000_000_000, remaining in 1u32..=365, discount in 1u32..=100) {
            let fee = prorate(amount, remaining, 365, discount).unwrap();
            let exact = amount as f64 * f64::from(remaining) / 365.0 * f64::from(discount) / 100.0;
            prop_assert!((fee as f64 - exact).abs() <= 0.5 + 1e-6);
        }
    }
}
