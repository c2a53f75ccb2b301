//! Pure-code benchmarks: the release-requirement check of a maximal product, and one quote of each
//! price model. `cargo bench -p shelf-domain` prints the figures.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use shelf_domain::DraftContent;
use shelf_domain::content::specification::{
    AttributeType, BillingMode, PricingKind, Sku, SpecAttribute, Specification, sku_code,
};
use shelf_domain::content::{Attachments, TemplateRef};
use shelf_domain::pricing::{Amount, Period, PeriodAmounts, Price, Tier, TierMode, quote};

/// 20 specifications of 200 SKUs each (10 × 20 enumeration values), every SKU priced, plus a quantity.
fn maximal_product() -> DraftContent {
    let values = |prefix: &str, n: usize| (0..n).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>();
    let specifications = (0..20)
        .map(|s| {
            let mut spec = Specification {
                key: Some(format!("spec-{s}")),
                name: Some(format!("Specification {s}")),
                billing_mode: Some(BillingMode::YearlyMonthly),
                pricing: Some(PricingKind::Custom),
                attributes: Some(vec![
                    SpecAttribute {
                        code: Some("edition".into()),
                        name: Some("Edition".into()),
                        attribute_type: Some(AttributeType::Enumeration),
                        values: Some(values("e", 10)),
                        ..Default::default()
                    },
                    SpecAttribute {
                        code: Some("region".into()),
                        name: Some("Region".into()),
                        attribute_type: Some(AttributeType::Enumeration),
                        values: Some(values("r", 20)),
                        ..Default::default()
                    },
                    SpecAttribute {
                        code: Some("seats".into()),
                        name: Some("Seats".into()),
                        attribute_type: Some(AttributeType::Quantity),
                        unit: Some("user".into()),
                        min: Some(1),
                        max: Some(1000),
                        step: Some(1),
                        ..Default::default()
                    },
                ]),
                ..Default::default()
            };
            let skus = spec
                .expected_skus()
                .into_iter()
                .enumerate()
                .map(|(i, attributes)| Sku {
                    code: None,
                    price: Some(match i % 3 {
                        0 => Price::Flat { amounts: month_year(1000, 10000) },
                        1 => Price::Linear { unit_amounts: month_year(10, 100) },
                        _ => tiered(TierMode::Graduated),
                    }),
                    attributes: Some(attributes),
                    price_template_id: None,
                })
                .collect();
            spec.skus = Some(skus);
            spec.assign_sku_codes();
            spec
        })
        .collect();
    let mut content: DraftContent = serde_json::from_value(serde_json::json!({
        "delivery_method": "professional_service", "name": "Data Migration Supporting Service", "version": "V1.0",
        "currency": "USD", "summary": "Move your databases.", "description": "x".repeat(400),
        "service_flow_template": "standard", "avg_delivery_days": 10, "public_sales": true,
        "after_sales": {"email": "support@example.com", "hotline": "+86 755 1234 5678",
                        "hours": "09:00-18:00", "days": "mon-fri", "timezone": "+08:00"}
    }))
    .unwrap();
    content.specifications = Some(specifications);
    content
}

fn month_year(month: i64, year: i64) -> PeriodAmounts {
    PeriodAmounts { month: Amount::new(month), year: Amount::new(year), one_time: None, usage: None }
}

fn tiered(mode: TierMode) -> Price {
    Price::Tiered {
        mode,
        tiers: vec![
            Tier { up_to: Some(10), unit_amounts: month_year(900, 9000), flat_amounts: Some(month_year(100, 1000)) },
            Tier { up_to: Some(100), unit_amounts: month_year(800, 8000), flat_amounts: None },
            Tier { up_to: None, unit_amounts: month_year(700, 7000), flat_amounts: None },
        ],
    }
}

fn benches(c: &mut Criterion) {
    let content = maximal_product();
    let files = Attachments { has_logo: true, request_templates: 1 };
    let templates: BTreeMap<String, TemplateRef> = BTreeMap::new();
    assert_eq!(content.check(files, &templates), vec![], "the maximal product is valid");
    c.bench_function("validate 20 specifications × 200 SKUs", |b| {
        b.iter(|| black_box(&content).check(files, &templates))
    });

    let flat = Price::Flat { amounts: month_year(1000, 10000) };
    let linear = Price::Linear { unit_amounts: month_year(10, 100) };
    let volume = tiered(TierMode::Volume);
    let graduated = tiered(TierMode::Graduated);
    for (name, price) in
        [("flat", &flat), ("linear", &linear), ("tiered volume", &volume), ("tiered graduated", &graduated)]
    {
        c.bench_function(&format!("quote {name}"), |b| {
            b.iter(|| quote(black_box(price), Period::Month, Some(black_box(150)), 12).unwrap())
        });
    }
    let values =
        BTreeMap::from([("edition".to_owned(), "enterprise".to_owned()), ("region".to_owned(), "eu".to_owned())]);
    c.bench_function("sku code", |b| b.iter(|| sku_code(black_box("spec-1"), black_box(&values))));
}

criterion_group!(domain, benches);
criterion_main!(domain);
