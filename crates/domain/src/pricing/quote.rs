//! The quote engine: the total of a price for a quantity over some periods, line by line.
//! Pure, checked arithmetic: an overflow is an error, never a wrap or a panic.

use serde::Serialize;

use super::{Period, PeriodAmounts, Price, TierMode};

/// One priced line; `amount` = `unit_amount` × `quantity` × periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteLine {
    pub description: String,
    pub quantity: u64,
    pub unit_amount: i64,
    pub amount: i64,
}

/// A quote: lines that add up to the total, in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub total: i64,
    pub lines: Vec<QuoteLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("the price has no amount for this period")]
    PeriodMissing,
    #[error("this price needs a quantity of at least 1")]
    QuantityRequired,
    #[error("periods must be at least 1")]
    PeriodsOutOfRange,
    #[error("the amount overflows")]
    Overflow,
}

struct Lines {
    periods: i64,
    lines: Vec<QuoteLine>,
    /// Whether to write descriptions (a quote does; a total-only check does not).
    describe: bool,
}

impl Lines {
    fn push(
        &mut self,
        description: impl FnOnce() -> String,
        quantity: u64,
        unit_amount: i64,
    ) -> Result<(), QuoteError> {
        let q = i64::try_from(quantity).map_err(|_| QuoteError::Overflow)?;
        let amount =
            unit_amount.checked_mul(q).and_then(|a| a.checked_mul(self.periods)).ok_or(QuoteError::Overflow)?;
        let description = if self.describe { description() } else { String::new() };
        self.lines.push(QuoteLine { description, quantity, unit_amount, amount });
        Ok(())
    }

    fn finish(self) -> Result<Quote, QuoteError> {
        let total = self.lines.iter().try_fold(0i64, |sum, l| sum.checked_add(l.amount)).ok_or(QuoteError::Overflow)?;
        Ok(Quote { total, lines: self.lines })
    }
}

fn amount(amounts: &PeriodAmounts, period: Period) -> Result<i64, QuoteError> {
    amounts.get(period).map(|a| a.get()).ok_or(QuoteError::PeriodMissing)
}

fn per(period: Period) -> &'static str {
    match period {
        Period::Month => "per month",
        Period::Year => "per year",
        Period::OneTime => "one-time",
        Period::Usage => "per unit of usage",
    }
}

/// The terms any quote must have, whatever it prices: a quantity of at least 1 when one is given, and
/// 1..=120 periods. Checked before anything is looked up, so a malformed request is refused first.
pub fn check_terms(quantity: Option<u64>, periods: u32) -> Vec<crate::Violation> {
    use crate::violation::{Violation, ViolationCode};
    let mut out = Vec::new();
    if quantity == Some(0) {
        out.push(Violation::error("/quantity", ViolationCode::OutOfRange, "quantity must be at least 1"));
    }
    if !(1..=super::MAX_PERIODS).contains(&periods) {
        out.push(Violation::error(
            "/periods",
            ViolationCode::OutOfRange,
            format!("periods must be 1..{}", super::MAX_PERIODS),
        ));
    }
    out
}

/// Quotes `price` for `quantity` units over `periods` periods of `period`.
/// Flat prices ignore the quantity; linear and tiered ones need it (≥ 1).
pub fn quote(price: &Price, period: Period, quantity: Option<u64>, periods: u32) -> Result<Quote, QuoteError> {
    run(price, period, quantity, periods, true)
}

/// The total alone (the same engine, without writing descriptions): for checks that only need to know
/// whether a quote can be computed.
pub fn total(price: &Price, period: Period, quantity: Option<u64>, periods: u32) -> Result<i64, QuoteError> {
    run(price, period, quantity, periods, false).map(|q| q.total)
}

fn run(
    price: &Price,
    period: Period,
    quantity: Option<u64>,
    periods: u32,
    describe: bool,
) -> Result<Quote, QuoteError> {
    if periods == 0 {
        return Err(QuoteError::PeriodsOutOfRange);
    }
    let mut lines = Lines { periods: i64::from(periods), lines: Vec::with_capacity(2), describe };
    match price {
        Price::Flat { amounts } => {
            lines.push(|| format!("flat price, {}", per(period)), 1, amount(amounts, period)?)?
        }
        Price::Linear { unit_amounts } => {
            let q = quantity.filter(|q| *q >= 1).ok_or(QuoteError::QuantityRequired)?;
            lines.push(|| format!("{q} × unit price, {}", per(period)), q, amount(unit_amounts, period)?)?;
        }
        Price::Tiered { mode, tiers } => {
            let q = quantity.filter(|q| *q >= 1).ok_or(QuoteError::QuantityRequired)?;
            match mode {
                TierMode::Volume => {
                    let (i, tier) = super::tier_containing(tiers, q).ok_or(QuoteError::PeriodMissing)?;
                    lines.push(
                        || {
                            let bound = tier.up_to.map_or_else(|| "and above".to_owned(), |u| format!("up to {u}"));
                            format!("{q} × tier {} unit price ({bound}), {}", i + 1, per(period))
                        },
                        q,
                        amount(&tier.unit_amounts, period)?,
                    )?;
                    if let Some(flat) = tier.flat_amounts.as_ref().and_then(|f| f.get(period)) {
                        lines.push(|| format!("tier {} flat fee, {}", i + 1, per(period)), 1, flat.get())?;
                    }
                }
                TierMode::Graduated => {
                    let mut start = 1u64;
                    for (i, tier) in tiers.iter().enumerate() {
                        if start > q {
                            break;
                        }
                        let end = tier.up_to.map_or(q, |u| u.min(q));
                        if end >= start {
                            let units = end - start + 1;
                            lines.push(
                                || format!("units {start}–{end} at tier {} unit price, {}", i + 1, per(period)),
                                units,
                                amount(&tier.unit_amounts, period)?,
                            )?;
                            if let Some(flat) = tier.flat_amounts.as_ref().and_then(|f| f.get(period)) {
                                lines.push(|| format!("tier {} flat fee, {}", i + 1, per(period)), 1, flat.get())?;
                            }
                        }
                        match tier.up_to {
                            Some(u) => start = u.saturating_add(1),
                            None => break,
                        }
                    }
                    if start <= q && tiers.last().is_some_and(|t| t.up_to.is_some()) {
                        // The tiers end before the quantity: not a complete price.
                        return Err(QuoteError::PeriodMissing);
                    }
                }
            }
        }
    }
    lines.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::{Amount, Tier};
    use proptest::prelude::*;

    fn amounts(month: i64) -> PeriodAmounts {
        PeriodAmounts { month: Amount::new(month), ..Default::default() }
    }

    fn tiered(mode: TierMode) -> Price {
        Price::Tiered {
            mode,
            tiers: vec![
                Tier { up_to: Some(10), unit_amounts: amounts(900), flat_amounts: Some(amounts(100)) },
                Tier { up_to: Some(50), unit_amounts: amounts(800), flat_amounts: None },
                Tier { up_to: None, unit_amounts: amounts(700), flat_amounts: Some(amounts(50)) },
            ],
        }
    }

    fn month_total(price: &Price, q: u64) -> i64 {
        quote(price, Period::Month, Some(q), 1).unwrap().total
    }

    #[test]
    fn flat_ignores_the_quantity_and_multiplies_by_periods() {
        let price = Price::Flat { amounts: amounts(1000) };
        assert_eq!(quote(&price, Period::Month, None, 1).unwrap().total, 1000);
        assert_eq!(quote(&price, Period::Month, Some(99), 12).unwrap().total, 12_000);
        assert_eq!(quote(&price, Period::Year, None, 1), Err(QuoteError::PeriodMissing));
    }

    #[test]
    fn linear_is_unit_times_quantity() {
        let price =
            Price::Linear { unit_amounts: PeriodAmounts { one_time: Amount::new(50_000), ..Default::default() } };
        let q = quote(&price, Period::OneTime, Some(3), 1).unwrap();
        assert_eq!(q.total, 150_000);
        assert_eq!(q.lines[0].quantity, 3);
        assert_eq!(quote(&price, Period::OneTime, None, 1), Err(QuoteError::QuantityRequired));
        assert_eq!(quote(&price, Period::OneTime, Some(0), 1), Err(QuoteError::QuantityRequired));
    }

    #[test]
    fn volume_prices_the_whole_quantity_at_its_tier_around_every_boundary() {
        let price = tiered(TierMode::Volume);
        assert_eq!(month_total(&price, 1), 900 + 100);
        assert_eq!(month_total(&price, 10), 10 * 900 + 100);
        assert_eq!(month_total(&price, 11), 11 * 800);
        assert_eq!(month_total(&price, 50), 50 * 800);
        assert_eq!(month_total(&price, 51), 51 * 700 + 50);
        assert_eq!(month_total(&price, 1000), 1000 * 700 + 50);
    }

    #[test]
    fn graduated_prices_each_band_at_its_tier_around_every_boundary() {
        let price = tiered(TierMode::Graduated);
        assert_eq!(month_total(&price, 1), 900 + 100);
        assert_eq!(month_total(&price, 10), 10 * 900 + 100);
        assert_eq!(month_total(&price, 11), 10 * 900 + 100 + 800);
        assert_eq!(month_total(&price, 50), 10 * 900 + 100 + 40 * 800);
        assert_eq!(month_total(&price, 51), 10 * 900 + 100 + 40 * 800 + 700 + 50);
        let q = quote(&price, Period::Month, Some(51), 2).unwrap();
        assert_eq!(q.lines.len(), 5);
        assert_eq!(q.total, 2 * (10 * 900 + 100 + 40 * 800 + 700 + 50));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let price = Price::Linear { unit_amounts: amounts(i64::MAX / 2) };
        assert_eq!(quote(&price, Period::Month, Some(3), 1), Err(QuoteError::Overflow));
        assert_eq!(quote(&price, Period::Month, Some(u64::MAX), 1), Err(QuoteError::Overflow));
        let flat = Price::Flat { amounts: amounts(i64::MAX) };
        assert_eq!(quote(&flat, Period::Month, None, 2), Err(QuoteError::Overflow));
        assert_eq!(quote(&flat, Period::Month, None, 0), Err(QuoteError::PeriodsOutOfRange));
        assert_eq!(super::total(&flat, Period::Month, None, 2), Err(QuoteError::Overflow));
    }

    #[test]
    fn total_is_the_quotes_total() {
        for mode in [TierMode::Volume, TierMode::Graduated] {
            for q in [1, 10, 11, 50, 51, 500] {
                let price = tiered(mode);
                assert_eq!(
                    total(&price, Period::Month, Some(q), 3),
                    quote(&price, Period::Month, Some(q), 3).map(|q| q.total)
                );
            }
        }
    }

    fn arb_tiers() -> impl Strategy<Value = Vec<Tier>> {
        (proptest::collection::vec((1u64..50, 0i64..10_000, proptest::option::of(0i64..5_000)), 1..5), 0i64..10_000)
            .prop_map(|(bands, last_unit)| {
                let mut up_to = 0;
                let mut tiers: Vec<Tier> = bands
                    .into_iter()
                    .map(|(width, unit, flat)| {
                        up_to += width;
                        Tier { up_to: Some(up_to), unit_amounts: amounts(unit), flat_amounts: flat.map(amounts) }
                    })
                    .collect();
                tiers.push(Tier { up_to: None, unit_amounts: amounts(last_unit), flat_amounts: None });
                tiers
            })
    }

    proptest! {
        #[test]
        fn graduated_totals_never_decrease_as_quantity_grows(tiers in arb_tiers(), q in 1u64..500) {
            let price = Price::Tiered { mode: TierMode::Graduated, tiers };
            prop_assert!(month_total(&price, q + 1) >= month_total(&price, q));
        }

        #[test]
        fn a_volume_total_is_its_tiers_unit_amount_times_quantity_plus_flat(tiers in arb_tiers(), q in 1u64..500) {
            let tier = tiers.iter().find(|t| t.up_to.is_none_or(|u| q <= u)).unwrap().clone();
            let expected = tier.unit_amounts.month.unwrap().get() * q as i64
                + tier.flat_amounts.and_then(|f| f.month).map_or(0, Amount::get);
            let price = Price::Tiered { mode: TierMode::Volume, tiers };
            prop_assert_eq!(month_total(&price, q), expected);
        }

        #[test]
        fn quote_lines_always_sum_to_the_total(tiers in arb_tiers(), q in 1u64..500, periods in 1u32..=120, graduated: bool) {
            let mode = if graduated { TierMode::Graduated } else { TierMode::Volume };
            let quote = quote(&Price::Tiered { mode, tiers }, Period::Month, Some(q), periods).unwrap();
            prop_assert_eq!(quote.lines.iter().map(|l| l.amount).sum::<i64>(), quote.total);
            for line in &quote.lines {
                prop_assert_eq!(line.unit_amount * line.quantity as i64 * i64::from(periods), line.amount);
            }
        }

        #[test]
        fn quotes_never_panic(unit in any::<i64>().prop_filter("non-negative", |a| *a >= 0), q in any::<u64>(), periods in any::<u32>()) {
            let _ = quote(&Price::Linear { unit_amounts: amounts(unit) }, Period::Month, Some(q), periods);
        }
    }
}
