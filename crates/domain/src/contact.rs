//! Contact addresses: the email and phone forms that notification receivers and after-sales contacts
//! must take, and the receiver-list rule. The patterns are what the OpenAPI document publishes; every
//! address the checks accept matches them (a property test holds the two together).

use std::collections::BTreeSet;

use crate::violation::{Violation, ViolationCode};

/// An email address: a dot-atom local part, `@`, a domain name of two or more labels (ECMA-262 syntax).
pub const EMAIL_PATTERN: &str =
    "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$";
pub const EMAIL_MAX_CHARS: usize = 254;
/// A phone number: an optional `+`, then digits, spaces, `-` and parentheses, with 5..20 digits.
pub const PHONE_PATTERN: &str = "^\\+?[0-9 ()-]{5,31}$";
pub const PHONE_MAX_CHARS: usize = 32;
/// At most this many email receivers, and as many phone receivers, per seller.
pub const MAX_RECEIVERS: usize = 10;

const LOCAL_SPECIALS: &str = ".!#$%&'*+/=?^_`{|}~-";

/// Whether `s` is an email address Shelf can deliver to: one `@`, a local part of 1..64 of the
/// dot-atom characters with no leading, trailing or doubled dot, and a domain name whose last label
/// is 2..63 letters.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    let local_ok = (1..=64).contains(&local.len())
        && local.chars().all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    s.len() <= EMAIL_MAX_CHARS && local_ok && domain_ok
}

/// Whether `s` is a phone number: an optional leading `+`, then 5..31 digits, spaces, `-`, `(` or `)`,
/// of which 5..20 are digits.
pub fn is_phone(s: &str) -> bool {
    let rest = s.strip_prefix('+').unwrap_or(s);
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    (5..=31).contains(&rest.len())
        && rest.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'))
        && (5..=20).contains(&digits)
}

/// Who hears about a seller's review decisions by email and SMS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Receivers {
    pub emails: Vec<String>,
    pub phones: Vec<String>,
}

impl Receivers {
    /// Receiver lists a seller sets: refused with every broken rule (`check_receivers`).
    pub fn new(emails: Vec<String>, phones: Vec<String>) -> Result<Receivers, Vec<Violation>> {
        let violations = check_receivers(&emails, &phones);
        if violations.is_empty() { Ok(Receivers { emails, phones }) } else { Err(violations) }
    }
}

/// Every broken rule of a seller's receiver lists: at most ten of each, each well formed, none twice
/// (compared without case for emails). Pointers are `/emails/…` and `/phones/…`.
pub fn check_receivers(emails: &[String], phones: &[String]) -> Vec<Violation> {
    let mut out = Vec::new();
    for (field, values, valid, fold) in [
        ("emails", emails, is_email as fn(&str) -> bool, true),
        ("phones", phones, is_phone as fn(&str) -> bool, false),
    ] {
        if values.len() > MAX_RECEIVERS {
            out.push(Violation::error(format!("/{field}"), ViolationCode::TooMany, format!("at most {MAX_RECEIVERS}")));
            continue;
        }
        let mut seen = BTreeSet::new();
        for (i, value) in values.iter().enumerate() {
            let key =
                if fold { value.to_ascii_lowercase() } else { value.chars().filter(char::is_ascii_digit).collect() };
            if !valid(value) {
                out.push(Violation::error(
                    format!("/{field}/{i}"),
                    ViolationCode::InvalidFormat,
                    format!("`{value}` is not a valid {}", if fold { "email address" } else { "phone number" }),
                ));
            } else if !seen.insert(key) {
                out.push(Violation::error(
                    format!("/{field}/{i}"),
                    ViolationCode::Duplicate,
                    format!("`{value}` is listed twice"),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn email_addresses_that_deliver_are_accepted_and_lookalikes_refused() {
        for ok in ["a@b.co", "releases@example.com", "first.last+tag@mail.example.org", "x_y-z@a-b.example.travel"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "x<evil@attacker.example>",
            "a@b,c@d",
            "@",
            "a@",
            "@example.com",
            "a@example",
            "a b@example.com",
            ".a@example.com",
            "a..b@example.com",
            "a@-example.com",
            "a@example.c0m",
            "a@b@example.com",
            "a\r\n@example.com",
        ] {
            assert!(!is_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn phone_numbers_take_digits_spaces_dashes_and_parentheses() {
        for ok in ["+86 755 1234 5678", "(0755) 1234-5678", "12345"] {
            assert!(is_phone(ok), "{ok}");
        }
        for bad in ["1234", "+86 755\n1234", "12+345", "call 12345", "1".repeat(21).as_str(), "++12345"] {
            assert!(!is_phone(bad), "{bad:?}");
        }
    }

    #[test]
    fn receivers_are_bounded_well_formed_and_unique() {
        let emails = vec!["A@example.com".to_owned(), "a@example.com".to_owned(), "nope".to_owned()];
        let phones = vec!["+86 755 1234 5678".to_owned(), "+86-755-1234-5678".to_owned()];
        let codes: Vec<(String, ViolationCode)> =
            check_receivers(&emails, &phones).into_iter().map(|v| (v.pointer, v.code)).collect();
        assert_eq!(
            codes,
            [
                ("/emails/1".to_owned(), ViolationCode::Duplicate),
                ("/emails/2".to_owned(), ViolationCode::InvalidFormat),
                ("/phones/1".to_owned(), ViolationCode::Duplicate),
            ]
        );
        let many: Vec<String> = (0..11).map(|i| format!("r{i}@example.com")).collect();
        assert_eq!(check_receivers(&many, &[])[0].code, ViolationCode::TooMany);
    }

    proptest! {
        #[test]
        fn every_accepted_email_matches_the_published_pattern(s in "[a-zA-Z0-9.+_@-]{1,40}(\\.[a-z]{2,4})?") {
            let pattern = regex::Regex::new(EMAIL_PATTERN).unwrap();
            if is_email(&s) {
                prop_assert!(pattern.is_match(&s) && s.len() <= EMAIL_MAX_CHARS, "{s}");
            }
        }

        #[test]
        fn every_accepted_phone_matches_the_published_pattern(s in "\\+?[0-9 ()+a-]{0,34}") {
            let pattern = regex::Regex::new(PHONE_PATTERN).unwrap();
            if is_phone(&s) {
                prop_assert!(pattern.is_match(&s) && s.len() <= PHONE_MAX_CHARS, "{s}");
            }
        }
    }
}
