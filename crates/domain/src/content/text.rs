//! The product's texts: summary, description and highlights.

use crate::violation::{Violation, ViolationCode};

pub const SUMMARY_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MIN_CHARS: usize = 400;
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;
pub const HIGHLIGHTS_MAX: usize = 5;
pub const HIGHLIGHT_MAX_CHARS: usize = 100;

pub fn check_summary(summary: &str) -> Vec<Violation> {
    length("/summary", "summary", summary, 1, SUMMARY_MAX_CHARS)
}

pub fn check_description(description: &str) -> Vec<Violation> {
    length("/description", "description", description, DESCRIPTION_MIN_CHARS, DESCRIPTION_MAX_CHARS)
}

pub fn check_highlights(highlights: &[String]) -> Vec<Violation> {
    let mut out = Vec::new();
    if highlights.len() > HIGHLIGHTS_MAX {
        out.push(Violation::error(
            "/highlights",
            ViolationCode::TooMany,
            format!("at most {HIGHLIGHTS_MAX} highlights, got {}", highlights.len()),
        ));
    }
    let mut seen = std::collections::HashSet::with_capacity(highlights.len());
    for (i, h) in highlights.iter().enumerate() {
        let pointer = format!("/highlights/{i}");
        out.extend(length(&pointer, "a highlight", h, 1, HIGHLIGHT_MAX_CHARS));
        if !seen.insert(h.trim()) {
            out.push(Violation::error(
                pointer,
                ViolationCode::Duplicate,
                format!("highlight `{}` is repeated", h.trim()),
            ));
        }
    }
    out
}

/// Length in characters of the trimmed text, within `min..=max`.
fn length(pointer: &str, what: &str, text: &str, min: usize, max: usize) -> Vec<Violation> {
    let n = text.trim().chars().count();
    if n < min {
        let message = if min == 1 {
            format!("{what} must not be empty")
        } else {
            format!("{what} must be at least {min} characters, got {n}")
        };
        vec![Violation::error(pointer, ViolationCode::TooShort, message)]
    } else if n > max {
        vec![Violation::error(
            pointer,
            ViolationCode::TooLong,
            format!("{what} must be at most {max} characters, got {n}"),
        )]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_needs_400_characters() {
        assert_eq!(check_description(&"a".repeat(399))[0].code, ViolationCode::TooShort);
        assert!(check_description(&"a".repeat(400)).is_empty());
        assert!(check_description(&format!("  {}  ", "a".repeat(399)))[0].message.contains("399"));
    }

    #[test]
    fn summary_is_one_to_two_hundred_characters() {
        assert_eq!(check_summary("")[0].code, ViolationCode::TooShort);
        assert_eq!(check_summary(&"a".repeat(201))[0].code, ViolationCode::TooLong);
        assert!(check_summary(&"a".repeat(200)).is_empty());
    }

    #[test]
    fn highlights_are_at_most_five_distinct_non_empty_items() {
        let six: Vec<String> = (0..6).map(|i| format!("h{i}")).collect();
        assert_eq!(check_highlights(&six)[0].code, ViolationCode::TooMany);
        let v = check_highlights(&["a".into(), "".into(), "a".into()]);
        let got: Vec<_> = v.iter().map(|v| (v.pointer.as_str(), v.code)).collect();
        assert_eq!(got, [("/highlights/1", ViolationCode::TooShort), ("/highlights/2", ViolationCode::Duplicate)]);
    }
}
