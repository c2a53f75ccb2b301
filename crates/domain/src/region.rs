//! Regions: ISO 3166-1 alpha-2 country codes, checked against the standard's own list (the
//! `isocountry` crate), not a hand-typed table.

use std::collections::HashSet;

use crate::violation::{Violation, ViolationCode};

/// Whether `code` is an ISO 3166-1 alpha-2 code as written by the standard (two capitals of a country).
pub fn is_region(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) && isocountry::CountryCode::for_alpha2(code).is_ok()
}

/// Where a product is sold, as one short text kept beside its catalog entry for lists to filter on
/// without reading the entry: `*` everywhere, else the codes between commas (`,SG,US,`).
pub fn encode_sold_in(sold_in: Option<&std::collections::BTreeSet<String>>) -> String {
    match sold_in {
        None => "*".to_owned(),
        Some(codes) => codes.iter().fold(String::from(","), |text, code| text + code + ","),
    }
}

/// Whether an `encode_sold_in` text says the product is sold in `region`.
pub fn sold_in_covers(encoded: &str, region: &str) -> bool {
    encoded == "*" || (!region.is_empty() && encoded.split(',').any(|code| code == region))
}

/// A list of 1..`max` distinct region codes at `pointer`: every bad or repeated entry at its own pointer.
pub fn check_regions(regions: &[String], pointer: &str, max: usize) -> Vec<Violation> {
    let mut out = Vec::new();
    if regions.is_empty() || regions.len() > max {
        out.push(Violation::error(pointer, ViolationCode::OutOfRange, format!("1..{max} regions")));
    }
    let mut seen = HashSet::new();
    for (i, region) in regions.iter().enumerate().take(max) {
        if !is_region(region) {
            out.push(Violation::error(
                format!("{pointer}/{i}"),
                ViolationCode::InvalidFormat,
                "an ISO 3166-1 alpha-2 country code, e.g. CN",
            ));
        } else if !seen.insert(region.as_str()) {
            out.push(Violation::error(format!("{pointer}/{i}"), ViolationCode::Duplicate, "listed twice"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sold_in_text_covers_exactly_its_regions_or_every_one() {
        assert!(sold_in_covers(&encode_sold_in(None), "SG"));
        let codes: std::collections::BTreeSet<String> = ["US", "SG"].map(String::from).into();
        let text = encode_sold_in(Some(&codes));
        assert_eq!(text, ",SG,US,");
        assert!(sold_in_covers(&text, "SG") && sold_in_covers(&text, "US"));
        assert!(!sold_in_covers(&text, "DE") && !sold_in_covers(&text, "S") && !sold_in_covers(&text, ""));
        assert!(!sold_in_covers(&encode_sold_in(Some(&Default::default())), "SG"));
    }

    #[test]
    fn only_the_standards_codes_are_regions() {
        for code in ["CN", "SG", "DE", "US"] {
            assert!(is_region(code), "{code}");
        }
        for code in ["XX", "cn", "C", "CHN", "", "ZZ"] {
            assert!(!is_region(code), "{code}");
        }
    }

    #[test]
    fn a_region_list_names_each_bad_entry() {
        let list: Vec<String> = ["CN", "XX", "CN"].map(String::from).to_vec();
        let pointers: Vec<String> = check_regions(&list, "/regions", 5).into_iter().map(|v| v.pointer).collect();
        assert_eq!(pointers, ["/regions/1", "/regions/2"]);
        assert_eq!(check_regions(&[], "/regions", 5)[0].pointer, "/regions");
    }
}
