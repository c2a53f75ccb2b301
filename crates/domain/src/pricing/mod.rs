//! Prices: the models (flat, linear, tiered), billing periods, the rules a price must meet, and
//! the one quote engine every quote goes through.

pub mod quote;
pub mod template;

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::violation::{Violation, ViolationCode};

pub use quote::{Quote, QuoteError, QuoteLine, quote, total};

/// A billing period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Year,
    OneTime,
    /// Per unit of usage (pay-per-use: calls, hours, vCPU-hours, …); a quote's quantity is the usage.
    Usage,
}

text_enum!(Period "period" { Month => "month", Year => "year", OneTime => "one_time", Usage => "usage" });

/// An amount of money in minor units of an ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Money {
    #[schema(example = 1999)]
    pub amount: i64,
    #[schema(example = "USD")]
    pub currency: String,
}

/// At most this many periods in one quote (ten years of months).
pub const MAX_PERIODS: u32 = 120;

/// A price by model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum Price {
    /// The price does not depend on the quantity.
    Flat { amounts: PeriodAmounts },
    /// Unit price × quantity.
    Linear { unit_amounts: PeriodAmounts },
    /// Ordered tiers (at most 50); the last is open-ended.
    Tiered {
        #[serde(default)]
        mode: TierMode,
        #[schema(max_items = 50)]
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
    /// Per unit of usage (pay-per-use specifications).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Amount>,
}

/// What a free specification costs in every period: nothing.
pub static FREE: Price = Price::Flat {
    amounts: PeriodAmounts {
        month: Some(Amount(0)),
        year: Some(Amount(0)),
        one_time: Some(Amount(0)),
        usage: Some(Amount(0)),
    },
};

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

impl PeriodAmounts {
    pub fn get(&self, period: Period) -> Option<Amount> {
        match period {
            Period::Month => self.month,
            Period::Year => self.year,
            Period::OneTime => self.one_time,
            Period::Usage => self.usage,
        }
    }

    /// The periods that have an amount, in order.
    pub fn periods(&self) -> impl Iterator<Item = Period> + '_ {
        Period::ALL.into_iter().filter(|p| self.get(*p).is_some())
    }
}

impl Price {
    /// Every period any part of this price names.
    pub fn periods(&self) -> Vec<Period> {
        let mut periods: Vec<Period> = match self {
            Price::Flat { amounts } => amounts.periods().collect(),
            Price::Linear { unit_amounts } => unit_amounts.periods().collect(),
            Price::Tiered { tiers, .. } => tiers
                .iter()
                .flat_map(|t| {
                    t.unit_amounts.periods().chain(t.flat_amounts.iter().flat_map(|f| f.periods()).collect::<Vec<_>>())
                })
                .collect(),
        };
        periods.sort();
        periods.dedup();
        periods
    }

    /// Whether the price depends on a quantity (and so needs a quantity attribute).
    pub fn needs_quantity(&self) -> bool {
        !matches!(self, Price::Flat { .. })
    }
}

/// The tier that holds `quantity` (its index and the tier): the first whose `up_to` reaches it.
pub fn tier_containing(tiers: &[Tier], quantity: u64) -> Option<(usize, &Tier)> {
    tiers.iter().enumerate().find(|(_, t)| t.up_to.is_none_or(|up_to| quantity <= up_to))
}

/// What a price is checked against.
#[derive(Debug, Clone, Copy)]
pub struct PriceContext<'a> {
    /// The periods the billing mode allows.
    pub allowed: &'a [Period],
    /// The periods every price of the specification must have.
    pub required: &'a [Period],
    /// The largest quantity the specification sells, when it has a quantity attribute.
    pub max_quantity: Option<u64>,
}

/// Every rule a price must meet, with pointers relative to the price (the caller prefixes them: only
/// prices with violations pay for building pointers).
pub fn check_price(price: &Price, ctx: PriceContext<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    let amounts_check = |out: &mut Vec<Violation>, amounts: &PeriodAmounts, at: &dyn Fn() -> String, required: bool| {
        for period in amounts.periods() {
            if !ctx.allowed.contains(&period) {
                out.push(Violation::error(
                    format!("{}/{}", at(), period.as_str()),
                    ViolationCode::PeriodNotAllowed,
                    format!("the billing mode has no {} period", period.as_str()),
                ));
            }
        }
        if required {
            for period in ctx.required {
                if amounts.get(*period).is_none() {
                    out.push(Violation::error(
                        format!("{}/{}", at(), period.as_str()),
                        ViolationCode::PriceMissing,
                        format!("no {} amount", period.as_str()),
                    ));
                }
            }
        }
    };
    match price {
        Price::Flat { amounts } => amounts_check(&mut out, amounts, &|| "/amounts".into(), true),
        Price::Linear { unit_amounts } => amounts_check(&mut out, unit_amounts, &|| "/unit_amounts".into(), true),
        Price::Tiered { tiers, .. } => {
            if tiers.len() > crate::limits::MAX_TIERS {
                out.push(Violation::error(
                    "/tiers",
                    ViolationCode::TooMany,
                    format!("at most {} tiers, got {}", crate::limits::MAX_TIERS, tiers.len()),
                ));
                return out;
            }
            if tiers.is_empty() {
                out.push(Violation::error("/tiers", ViolationCode::Required, "at least one tier"));
            }
            let mut previous: Option<u64> = None;
            for (i, tier) in tiers.iter().enumerate() {
                let last = i + 1 == tiers.len();
                match (tier.up_to, last) {
                    (None, false) => out.push(Violation::error(
                        format!("/tiers/{i}/up_to"),
                        ViolationCode::TiersNotIncreasing,
                        "only the last tier is open-ended (up_to null)",
                    )),
                    (Some(_), true) => out.push(Violation::error(
                        format!("/tiers/{i}/up_to"),
                        ViolationCode::LastTierNotOpen,
                        "the last tier must be open-ended (up_to null)",
                    )),
                    (Some(up_to), false) if up_to == 0 || previous.is_some_and(|p| up_to <= p) => {
                        out.push(Violation::error(
                            format!("/tiers/{i}/up_to"),
                            ViolationCode::TiersNotIncreasing,
                            format!(
                                "up_to must be at least 1 and greater than the previous tier's ({})",
                                previous.unwrap_or(0)
                            ),
                        ))
                    }
                    _ => {}
                }
                previous = tier.up_to.or(previous);
                amounts_check(&mut out, &tier.unit_amounts, &|| format!("/tiers/{i}/unit_amounts"), true);
                if let Some(flat) = &tier.flat_amounts {
                    amounts_check(&mut out, flat, &|| format!("/tiers/{i}/flat_amounts"), false);
                }
            }
        }
    }
    if price.needs_quantity() && ctx.max_quantity.is_none() {
        out.push(Violation::error(
            "/model",
            ViolationCode::QuantityAttributeRequired,
            "linear and tiered prices need a quantity attribute in the specification",
        ));
    }
    if out.is_empty() {
        // The dearest quote this price can give must fit in an i64.
        let quantity = ctx.max_quantity.unwrap_or(1);
        for period in price.periods() {
            if let Err(QuoteError::Overflow) = total(price, period, Some(quantity), MAX_PERIODS) {
                out.push(Violation::error(
                    "",
                    ViolationCode::AmountOverflow,
                    format!(
                        "{quantity} units over {MAX_PERIODS} {} periods overflow the largest amount",
                        period.as_str()
                    ),
                ));
                break;
            }
        }
    }
    out
}

/// Prefixes relative pointers with where the checked value sits.
pub fn at_pointer(mut violations: Vec<Violation>, pointer: impl FnOnce() -> String) -> Vec<Violation> {
    if !violations.is_empty() {
        let pointer = pointer();
        for v in &mut violations {
            v.pointer.insert_str(0, &pointer);
        }
    }
    violations
}
