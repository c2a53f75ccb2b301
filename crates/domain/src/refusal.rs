//! Why a use case is refused: the domain's answer, which the HTTP layer maps to a status once.

use crate::violation::Violation;

/// A rule that refuses what was asked, in terms a client can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The resource does not exist, or is another account's.
    #[error("not found")]
    NotFound,
    /// The caller may not do this to this resource.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The resource's state does not allow it now (409).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input breaks rules; pointers are into the request body (422).
    #[error("{} rules are broken", .0.len())]
    Invalid(Vec<Violation>),
    /// A count bound is reached (422 `limit_reached`): `holder` keeps at most `limit` `what`.
    #[error("{holder} keeps at most {limit} {what}; delete some first")]
    LimitReached { holder: &'static str, what: &'static str, limit: i64 },
    /// The client's version is not the current one (412).
    #[error("If-Match does not match the current ETag \"{current}\"; fetch the resource again")]
    Stale { current: i64 },
}

impl Refusal {
    /// 422 for `violations` found in a value that sits at `prefix` in the request body.
    pub fn invalid_at(prefix: &str, violations: Vec<Violation>) -> Refusal {
        Refusal::Invalid(violations.into_iter().map(|v| v.under(prefix)).collect())
    }
}

/// Refuses one more when `holder` already keeps `count` of `limit` `what`.
pub fn check_room(holder: &'static str, what: &'static str, count: i64, limit: i64) -> Result<(), Refusal> {
    if count >= limit { Err(Refusal::LimitReached { holder, what, limit }) } else { Ok(()) }
}

/// One more item of an account's (the per-seller bounds of `limits`).
pub fn check_account_room(what: &'static str, count: i64, limit: i64) -> Result<(), Refusal> {
    check_room("an account", what, count, limit)
}

/// A change's precondition on the resource's version (`If-Match`): any version, or one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    Any,
    OneOf(Vec<i64>),
}

impl Precondition {
    /// The version the change is conditional on, when the precondition holds for `current`.
    pub fn check(&self, current: i64) -> Result<i64, Refusal> {
        match self {
            Precondition::OneOf(versions) if !versions.contains(&current) => Err(Refusal::Stale { current }),
            _ => Ok(current),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ViolationCode;

    #[test]
    fn a_precondition_holds_for_its_versions_only() {
        assert_eq!(Precondition::OneOf(vec![2, 3]).check(3), Ok(3));
        assert_eq!(Precondition::OneOf(vec![2, 3]).check(4), Err(Refusal::Stale { current: 4 }));
        assert_eq!(Precondition::OneOf(vec![]).check(1), Err(Refusal::Stale { current: 1 }));
        assert_eq!(Precondition::Any.check(7), Ok(7));
    }

    #[test]
    fn room_runs_out_at_the_limit() {
        assert_eq!(check_account_room("drafts", 2, 3), Ok(()));
        let full = check_account_room("drafts", 3, 3).unwrap_err();
        assert_eq!(full, Refusal::LimitReached { holder: "an account", what: "drafts", limit: 3 });
        assert_eq!(full.to_string(), "an account keeps at most 3 drafts; delete some first");
    }

    #[test]
    fn invalid_at_puts_pointers_under_the_prefix() {
        let v = Violation::error("/name", ViolationCode::Required, "x");
        let Refusal::Invalid(vs) = Refusal::invalid_at("/content", vec![v]) else { panic!() };
        assert_eq!(vs[0].pointer, "/content/name");
    }
}
