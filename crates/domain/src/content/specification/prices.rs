//! A specification's prices: the pricing kind, the periods its billing mode allows, tiers, templates.

use super::*;

pub(super) fn check_prices(spec: &Specification, at: &str, mode: BillingMode, ctx: &SpecContext<'_>) -> Vec<Violation> {
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
    match mode {
        BillingMode::OneTime => required = vec![Period::OneTime],
        BillingMode::PayPerUse => required = vec![Period::Usage],
        _ => {}
    }
    // Pay-per-use prices are per unit of usage: the usage is the quantity, bounded by the largest one
    // a quote takes rather than by a quantity attribute.
    let max_quantity = match mode {
        BillingMode::PayPerUse => Some(crate::limits::MAX_USAGE_QUANTITY),
        _ => spec.quantity_range().map(|(_, max, _)| u64::from(max)),
    };
    for (place, price) in prices {
        if mode == BillingMode::PayPerUse && matches!(price, Price::Flat { .. }) {
            out.push(Violation::error(
                format!("{}/model", place.pointer(at)),
                ViolationCode::InvalidValue,
                "a pay-per-use price is per unit of usage: linear or tiered, with `usage` amounts",
            ));
            continue;
        }
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
    use super::super::fixtures::*;

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
    fn pay_per_use_prices_are_per_unit_of_usage() {
        let mut v = base();
        v["billing_mode"] = json!("pay_per_use");
        v["usage_unit"] = json!("call");
        v["attributes"] = json!([]);
        v["skus"] = json!([{"attributes": {}, "price": {"model": "linear", "unit_amounts": {"usage": 5}}}]);
        assert_eq!(check_as(DeliveryMethod::Saas, &[spec(v.clone())]), []);
        v["skus"][0]["price"] = json!({"model": "flat", "amounts": {"usage": 5}});
        assert!(has(
            &check_as(DeliveryMethod::Saas, &[spec(v.clone())]),
            "/specifications/0/skus/0/price/model",
            ViolationCode::InvalidValue
        ));
        v["skus"][0]["price"] = json!({"model": "linear", "unit_amounts": {"month": 5}});
        assert!(has(
            &check_as(DeliveryMethod::Saas, &[spec(v.clone())]),
            "/specifications/0/skus/0/price/unit_amounts/month",
            ViolationCode::PeriodNotAllowed
        ));
        v["usage_unit"] = json!("call");
        assert!(has(
            &check_as(DeliveryMethod::Image, &[spec(v)]),
            "/specifications/0/usage_unit",
            ViolationCode::InvalidValue
        ));
    }
}
