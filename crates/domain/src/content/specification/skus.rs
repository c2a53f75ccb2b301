//! A specification's SKUs: one per combination of enumeration values, each with a stable code.

use super::*;

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

pub(super) fn check_skus(spec: &Specification, at: &str) -> Vec<Violation> {
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;

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
        for method in [DeliveryMethod::Image, DeliveryMethod::ConsultingService] {
            assert!(has(
                &check_as(method, &[spec(base())]),
                "/specifications/0/attributes",
                ViolationCode::MultiSkuNotAllowed
            ));
        }
        // Hardware's SKUs come from its enumeration attributes (domain.md "Rules per delivery method").
        for method in [DeliveryMethod::Saas, DeliveryMethod::License, DeliveryMethod::Hardware] {
            assert!(!has(
                &check_as(method, &[spec(base())]),
                "/specifications/0/attributes",
                ViolationCode::MultiSkuNotAllowed
            ));
        }
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
