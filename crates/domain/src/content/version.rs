//! The product version: `V<major>(.<minor>)*`, e.g. V1.0.

use crate::violation::{Violation, ViolationCode};

const P: &str = "/version";
pub const MAX_CHARS: usize = 32;

pub fn is_valid(version: &str) -> bool {
    version.len() <= MAX_CHARS
        && version.strip_prefix('V').is_some_and(|numbers| {
            numbers
                .split('.')
                .all(|part| !part.is_empty() && part.len() <= 9 && part.bytes().all(|b| b.is_ascii_digit()))
        })
}

pub fn check(version: &str) -> Vec<Violation> {
    if is_valid(version) {
        return Vec::new();
    }
    vec![Violation::error(
        P,
        ViolationCode::InvalidFormat,
        format!("version must be a capital V and dot-separated numbers, e.g. V1.0; got `{version}`"),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn versions_of_the_guide() {
        for ok in ["V1.0", "V1", "V2.10.3"] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in ["v0.1", "First Version", "Initial Version", "V", "V1.", "V.1", "V1..2", "1.0", "V1.0-beta", ""] {
            assert!(!is_valid(bad), "{bad}");
            assert_eq!(check(bad)[0].code, ViolationCode::InvalidFormat);
        }
    }

    proptest! {
        #[test]
        fn any_dotted_numbers_after_v_are_valid(parts in proptest::collection::vec(0u32..100_000, 1..5)) {
            let v = format!("V{}", parts.iter().map(u32::to_string).collect::<Vec<_>>().join("."));
            prop_assert!(is_valid(&v));
        }

        #[test]
        fn check_never_panics(s in ".*") {
            let _ = check(&s);
        }
    }
}
