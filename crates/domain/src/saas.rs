//! SaaS access verification (domain.md, ours after KooGallery's "application access debugging"): a
//! seller registers its SaaS endpoints; Shelf POSTs each a signed `verify` message, and it passes when
//! the answer is 200 within 5 s with the same nonce in a JSON body. Only a URL that passed within the
//! last 90 days can be a product's production URL.

use chrono::{DateTime, Duration, Utc};

use crate::violation::{Violation, ViolationCode};
use crate::webhook::{OutboundPolicy, check_destination};

/// SaaS endpoints a seller keeps at most (ours).
pub const MAX_SAAS_ENDPOINTS: i64 = 20;
/// How long a passing verification counts.
pub const VERIFIED_FOR_DAYS: i64 = 90;
/// How long the endpoint has to answer.
pub const VERIFY_TIMEOUT_SECONDS: u64 = 5;
/// Verifications kept per endpoint (the newest).
pub const KEPT_VERIFICATIONS: i64 = 20;

/// A production API URL: https (http too where private destinations are allowed), with a domain name
/// for its host (an address only where private destinations are allowed: tests).
pub fn check_url(url: &str, policy: OutboundPolicy) -> Result<(), Violation> {
    check_destination(url, policy, "/url")?;
    let host_is_address = url::Url::parse(url).ok().is_some_and(|u| !matches!(u.host(), Some(url::Host::Domain(_))));
    if host_is_address && !policy.allow_private {
        return Err(Violation::error("/url", ViolationCode::InvalidValue, "a URL with a domain name, not an address"));
    }
    Ok(())
}

/// Whether an answer passes: status 200, and a JSON object (`echoed` is its `nonce`, if it was one)
/// naming the nonce sent.
pub fn answer_passes(status: u16, echoed: Option<Option<&str>>, nonce: &str) -> Result<(), String> {
    if status != 200 {
        return Err(format!("answered {status}, not 200"));
    }
    match echoed {
        None => Err("the answer is not a JSON object".into()),
        Some(None) => Err("the answer has no `nonce`".into()),
        Some(Some(n)) if n == nonce => Ok(()),
        Some(Some(_)) => Err("the answer's nonce is not the one sent".into()),
    }
}

/// Until when a URL that last passed at `passed_at` counts as verified.
pub fn verified_until(passed_at: DateTime<Utc>) -> DateTime<Utc> {
    passed_at + Duration::days(VERIFIED_FOR_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_200_echoing_the_nonce_passes() {
        assert_eq!(answer_passes(200, Some(Some("n1")), "n1"), Ok(()));
        assert!(answer_passes(200, Some(Some("n2")), "n1").unwrap_err().contains("not the one sent"));
        assert!(answer_passes(200, Some(None), "n1").unwrap_err().contains("no `nonce`"));
        assert!(answer_passes(200, None, "n1").is_err());
        assert!(answer_passes(204, Some(Some("n1")), "n1").unwrap_err().contains("204"));
    }

    #[test]
    fn a_production_url_names_a_public_domain_over_https() {
        let production = OutboundPolicy::default();
        assert_eq!(check_url("https://api.example.com/shelf", production), Ok(()));
        assert!(check_url("https://203.0.113.9/", production).is_err());
        assert!(check_url("https://8.8.8.8/", production).is_err(), "an address, even a public one");
        assert!(check_url("http://api.example.com/", production).is_err());
        assert_eq!(check_url("http://127.0.0.1:9000/", OutboundPolicy { allow_private: true }), Ok(()));
    }

    #[test]
    fn a_pass_counts_for_ninety_days() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(verified_until(at) - at, Duration::days(90));
    }
}
