//! The product name: 1..100 characters, no phone numbers, prices or version strings, no imitation
//! of the marketplace operator's own offerings.

use crate::violation::{Violation, ViolationCode};

pub const MAX_CHARS: usize = 100;
const P: &str = "/name";

pub fn check(name: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    let trimmed = name.trim();
    if trimmed.is_empty() {
        out.push(Violation::error(P, ViolationCode::TooShort, "name must not be empty"));
        return out;
    }
    let chars = name.chars().count();
    if chars > MAX_CHARS {
        out.push(Violation::error(
            P,
            ViolationCode::TooLong,
            format!("name must be at most {MAX_CHARS} characters, got {chars}"),
        ));
    }
    if imitates_operator(trimmed) {
        out.push(Violation::error(
            P,
            ViolationCode::NameImitatesOperator,
            "name may not imitate the marketplace operator's own offerings (it starts with \"Huawei Cloud\")",
        ));
    }
    if contains_phone(name) {
        out.push(Violation::error(P, ViolationCode::NameContainsPhone, "name may not contain a phone number"));
    }
    if contains_price(name) {
        out.push(Violation::error(P, ViolationCode::NameContainsPrice, "name may not contain a price"));
    }
    if contains_version(name) {
        out.push(Violation::error(
            P,
            ViolationCode::NameContainsVersion,
            "name may not contain a version string; put it in `version`",
        ));
    }
    out
}

fn imitates_operator(name: &str) -> bool {
    let squeezed: String = name.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    squeezed.starts_with("huaweicloud")
}

/// Seven or more digits in one run of digits and phone punctuation, e.g. "+86 755 1234 5678".
fn contains_phone(name: &str) -> bool {
    let mut digits = 0;
    for c in name.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            if digits >= 7 {
                return true;
            }
        } else if !matches!(c, ' ' | '-' | '+' | '(' | ')' | '.') {
            digits = 0;
        }
    }
    false
}

const CURRENCY_SYMBOLS: &[char] = &['$', '€', '£', '¥', '￥', '₹', '₩', '₽', '元'];
const CURRENCY_WORDS: &[&str] =
    &["usd", "eur", "cny", "rmb", "yuan", "jpy", "gbp", "dollar", "dollars", "euro", "euros"];

/// A currency symbol next to a number ("$99", "99 元"), or a number followed by a currency word ("99 USD").
fn contains_price(name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    let digit_near = |i: usize| {
        let next = chars.iter().skip(i + 1).find(|c| **c != ' ');
        let prev = chars[..i].iter().rev().find(|c| **c != ' ');
        next.is_some_and(char::is_ascii_digit) || prev.is_some_and(char::is_ascii_digit)
    };
    if chars.iter().enumerate().any(|(i, c)| CURRENCY_SYMBOLS.contains(c) && digit_near(i)) {
        return true;
    }
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric() && c != '.').filter(|w| !w.is_empty()).collect();
    words.windows(2).any(|w| w[0].chars().all(|c| c.is_ascii_digit() || c == '.') && CURRENCY_WORDS.contains(&w[1]))
        || words.iter().any(|w| {
            let digits = w.trim_end_matches(|c: char| c.is_alphabetic());
            let unit = &w[digits.len()..];
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) && CURRENCY_WORDS.contains(&unit)
        })
}

/// "V1.0", "v2", "2.0.1", or the word "version".
fn contains_version(name: &str) -> bool {
    name.split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | '-' | '/' | '_' | ':'))
        .map(|t| t.trim_end_matches('.'))
        .filter(|t| !t.is_empty())
        .any(|token| {
            let lower = token.to_lowercase();
            if lower == "version" || lower == "ver" {
                return true;
            }
            let numbers = lower.strip_prefix('v').unwrap_or(&lower);
            let dotted = numbers.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
            dotted && (numbers.len() < lower.len() || numbers.contains('.'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(name: &str) -> Vec<ViolationCode> {
        check(name).into_iter().map(|v| v.code).collect()
    }

    #[test]
    fn ordinary_names_pass() {
        for name in [
            "Data Migration Supporting Service",
            "ERP 2000 Onboarding",
            "SAP S/4HANA Supporting Service",
            "24x7 Managed Database Operations",
            "Top 10 Security Checks",
        ] {
            assert_eq!(codes(name), [], "{name}");
        }
    }

    #[test]
    fn empty_and_long_names_fail() {
        assert_eq!(codes("   "), [ViolationCode::TooShort]);
        assert_eq!(codes(&"a".repeat(101)), [ViolationCode::TooLong]);
        assert_eq!(codes(&"é".repeat(100)), []);
    }

    #[test]
    fn names_starting_with_the_operator_brand_fail() {
        assert_eq!(codes("Huawei Cloud Migration"), [ViolationCode::NameImitatesOperator]);
        assert_eq!(codes("huawei  cloud migration"), [ViolationCode::NameImitatesOperator]);
        assert_eq!(codes("Migration to Huawei Cloud"), []);
    }

    #[test]
    fn phone_numbers_prices_and_versions_fail() {
        assert_eq!(codes("Call +86 755 1234 5678"), [ViolationCode::NameContainsPhone]);
        assert_eq!(codes("Migration 400-123-4567"), [ViolationCode::NameContainsPhone]);
        for name in ["Migration only $99", "Migration 99 USD", "Migration 99usd", "Setup ¥ 500"] {
            assert_eq!(codes(name), [ViolationCode::NameContainsPrice], "{name}");
        }
        for name in ["Migration V1.0", "Migration v2", "Migration 2.0.1", "Migration First Version"] {
            assert_eq!(codes(name), [ViolationCode::NameContainsVersion], "{name}");
        }
    }
}
