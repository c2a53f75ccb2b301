//! The product's currency: an active ISO 4217 code (one currency per product).

use crate::violation::{Violation, ViolationCode};

/// Active ISO 4217 currency codes (fund and metal codes excluded), sorted for binary search.
const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD",
    "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP",
    "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP",
    "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD",
    "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN",
    "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB",
    "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL",
    "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VED", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

pub fn is_known(code: &str) -> bool {
    ISO_4217.binary_search(&code).is_ok()
}

pub fn check(code: &str) -> Vec<Violation> {
    const P: &str = "/currency";
    if is_known(code) {
        Vec::new()
    } else if is_known(&code.to_ascii_uppercase()) {
        vec![Violation::error(
            P,
            ViolationCode::InvalidFormat,
            format!("currency codes are upper-case: `{}`", code.to_ascii_uppercase()),
        )]
    } else {
        vec![Violation::error(P, ViolationCode::UnknownCurrency, format!("`{code}` is not an ISO 4217 currency code"))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_and_unique() {
        assert!(ISO_4217.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn known_codes_pass_and_others_fail() {
        for ok in ["USD", "CNY", "EUR", "JPY"] {
            assert!(check(ok).is_empty(), "{ok}");
        }
        assert_eq!(check("usd")[0].code, ViolationCode::InvalidFormat);
        assert_eq!(check("XYZ")[0].code, ViolationCode::UnknownCurrency);
        assert_eq!(check("")[0].code, ViolationCode::UnknownCurrency);
    }
}
