//! Quote requests and responses, shared by every quote endpoint; the arithmetic is the domain's.

use serde::{Deserialize, Serialize};
use shelf_domain::ViolationCode;
use shelf_domain::pricing::{MAX_PERIODS, Money, Period, Price, QuoteError, quote};
use utoipa::ToSchema;

use crate::problem::{ApiError, FieldError};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    /// Units; needed by linear and tiered prices (≥ 1).
    #[schema(example = 12, minimum = 1)]
    pub quantity: Option<u64>,
    pub period: Period,
    /// How many periods, 1..120 (default 1).
    #[schema(example = 1, minimum = 1, maximum = 120)]
    pub periods: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteLineResponse {
    /// What the line prices: a tier band, a flat fee, unit × quantity.
    #[schema(example = "units 1–10 at tier 1 unit price, per month")]
    pub description: String,
    pub quantity: u64,
    pub unit_amount: Money,
    /// unit_amount × quantity × periods.
    pub amount: Money,
}

/// A quote: the lines add up to the total.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteResponse {
    pub total: Money,
    pub lines: Vec<QuoteLineResponse>,
}

fn unprocessable(pointer: &str, code: ViolationCode, message: String) -> ApiError {
    ApiError::Unprocessable {
        detail: format!("{pointer}: {message}"),
        errors: vec![FieldError::at_pointer(pointer, code, message)],
    }
}

/// 422 for a quantity or a number of periods no quote could take.
pub fn check_terms(request: &QuoteRequest) -> Result<(), ApiError> {
    let violations = shelf_domain::pricing::quote::check_terms(request.quantity, request.periods.unwrap_or(1));
    if violations.is_empty() { Ok(()) } else { Err(ApiError::invalid("", violations)) }
}

/// Quotes `price` in `currency` for the request; every refusal is a 422 naming the field.
pub fn respond(price: &Price, currency: &str, request: &QuoteRequest) -> Result<QuoteResponse, ApiError> {
    check_terms(request)?;
    let periods = request.periods.unwrap_or(1);
    let quote = quote(price, request.period, request.quantity, periods).map_err(|e| match e {
        QuoteError::PeriodMissing => unprocessable(
            "/period",
            ViolationCode::PriceMissing,
            format!("the price has no {} amount", request.period.as_str()),
        ),
        QuoteError::QuantityRequired => {
            unprocessable("/quantity", ViolationCode::Required, "this price depends on the quantity".into())
        }
        QuoteError::PeriodsOutOfRange => {
            unprocessable("/periods", ViolationCode::OutOfRange, format!("periods must be 1..{MAX_PERIODS}"))
        }
        QuoteError::Overflow => {
            unprocessable("/quantity", ViolationCode::AmountOverflow, "the total is too large to compute".into())
        }
    })?;
    let money = |amount: i64| Money { amount, currency: currency.to_owned() };
    Ok(QuoteResponse {
        total: money(quote.total),
        lines: quote
            .lines
            .into_iter()
            .map(|l| QuoteLineResponse {
                description: l.description,
                quantity: l.quantity,
                unit_amount: money(l.unit_amount),
                amount: money(l.amount),
            })
            .collect(),
    })
}
