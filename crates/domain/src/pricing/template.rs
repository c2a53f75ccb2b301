//! Pricing templates: a seller's reusable, named prices. A SKU points at one; submission copies it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{MAX_PERIODS, Period, Price, PriceContext, check_price};
use crate::content::currency;
use crate::violation::{Violation, ViolationCode};

pub const NAME_MAX_CHARS: usize = 100;

/// A pricing template's body: a price with a name and a currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PricingTemplateBody {
    #[schema(example = "Standard per-seat")]
    pub name: String,
    /// An active ISO 4217 code, upper-case.
    #[schema(example = "USD", pattern = "^[A-Z]{3}$")]
    pub currency: String,
    #[serde(flatten)]
    pub price: Price,
}

/// A stored pricing template.
#[derive(Debug, Clone, PartialEq)]
pub struct PricingTemplate {
    pub id: String,
    pub seller_id: String,
    pub body: PricingTemplateBody,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PricingTemplateBody {
    /// Every rule a template must meet to be saved (pointers relative to the body).
    pub fn check(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        let name = self.name.trim().chars().count();
        if name == 0 {
            out.push(Violation::error("/name", ViolationCode::TooShort, "name must not be empty"));
        } else if name > NAME_MAX_CHARS {
            out.push(Violation::error(
                "/name",
                ViolationCode::TooLong,
                format!("name must be at most {NAME_MAX_CHARS} characters"),
            ));
        }
        out.extend(currency::check(&self.currency));
        // A template may serve any billing mode, so every period is allowed; the quantity it is quoted
        // for is checked when it is used.
        let offered = self.price.periods();
        if offered.is_empty() {
            out.push(Violation::error("", ViolationCode::PriceMissing, "the price has no amount for any period"));
        } else {
            let ctx = PriceContext { allowed: &Period::ALL, required: &offered, max_quantity: Some(1) };
            out.extend(check_price(&self.price, ctx));
        }
        out
    }
}

/// Whether a quote may span this many periods (1..=120).
pub fn check_periods(periods: u32) -> bool {
    (1..=MAX_PERIODS).contains(&periods)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(value: serde_json::Value) -> PricingTemplateBody {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_template_is_a_price_with_a_name_and_a_currency() {
        let t = body(json!({"name": "Seats", "currency": "USD", "model": "tiered", "mode": "graduated",
                            "tiers": [{"up_to": 10, "unit_amounts": {"month": 900}}, {"up_to": null, "unit_amounts": {"month": 700}}]}));
        assert_eq!(t.check(), []);
        assert_eq!(serde_json::to_value(&t).unwrap()["model"], "tiered");
    }

    #[test]
    fn unknown_fields_and_bad_currencies_are_refused() {
        let err = serde_json::from_value::<PricingTemplateBody>(
            json!({"name": "x", "currency": "USD", "model": "flat", "amounts": {}, "colour": 1}),
        );
        assert!(err.unwrap_err().to_string().contains("unknown field"));
        let t = body(json!({"name": "x", "currency": "XYZ", "model": "flat", "amounts": {"month": 1}}));
        assert_eq!(t.check()[0].code, ViolationCode::UnknownCurrency);
    }

    #[test]
    fn a_template_without_any_amount_or_with_ragged_tiers_is_refused() {
        let t = body(json!({"name": "x", "currency": "USD", "model": "flat", "amounts": {}}));
        assert_eq!(t.check()[0].code, ViolationCode::PriceMissing);
        let t = body(json!({"name": "x", "currency": "USD", "model": "tiered",
                            "tiers": [{"up_to": 10, "unit_amounts": {"month": 1, "year": 10}}, {"up_to": null, "unit_amounts": {"month": 1}}]}));
        assert_eq!(t.check()[0].pointer, "/tiers/1/unit_amounts/year");
    }
}
