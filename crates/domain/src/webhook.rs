//! Webhooks for partner integrations: the endpoints a seller registers, which events each receives,
//! which destinations Shelf may call, the Standard Webhooks message, and when a failed delivery is
//! tried again. Signing and sending are the workflows'; the rules are here.

use std::collections::BTreeSet;
use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

use crate::notification::EventType;
use crate::violation::{Violation, ViolationCode};

/// Endpoints a seller keeps at most (ours).
pub const MAX_ENDPOINTS: i64 = 10;
pub const URL_MAX_CHARS: usize = 2048;
pub const DESCRIPTION_MAX_CHARS: usize = 200;
/// Random bytes of a signing secret (`whsec_` + their base64).
pub const SECRET_BYTES: usize = 32;
/// How long a rotated-out secret still signs.
pub const ROTATION_OVERLAP_HOURS: i64 = 24;
/// A delivery is retried for this long after it was first due, then given up.
pub const RETRY_WINDOW_HOURS: i64 = 72;
/// An endpoint that failed everything for this long is disabled (its seller is told).
pub const DISABLE_AFTER_FAILING_DAYS: i64 = 5;
/// How much of a receiver's answer a delivery keeps.
pub const RESPONSE_KEPT_BYTES: usize = 1024;
/// How long a receiver has to answer.
pub const TIMEOUT_SECONDS: u64 = 10;
/// The type of the test message `ping` sends (never in the feed).
pub const PING: &str = "ping";

/// Which events an endpoint receives: all, or these types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventSelection {
    All,
    Only(BTreeSet<EventType>),
}

impl EventSelection {
    /// `["*"]` (or nothing) is every event; otherwise known, distinct event types.
    pub fn parse(types: &[String]) -> Result<EventSelection, Vec<Violation>> {
        if types.is_empty() || types == ["*"] {
            return Ok(EventSelection::All);
        }
        let mut out = Vec::new();
        let mut only = BTreeSet::new();
        for (i, text) in types.iter().enumerate() {
            match text.parse::<EventType>() {
                Ok(t) if !only.insert(t) => {
                    out.push(Violation::error(format!("/event_types/{i}"), ViolationCode::Duplicate, "listed twice"))
                }
                Ok(_) => {}
                Err(_) => out.push(Violation::error(
                    format!("/event_types/{i}"),
                    ViolationCode::InvalidValue,
                    "an event type of the feed (e.g. application.approved), or `*` alone for all",
                )),
            }
        }
        if out.is_empty() { Ok(EventSelection::Only(only)) } else { Err(out) }
    }

    pub fn includes(&self, event: EventType) -> bool {
        match self {
            EventSelection::All => true,
            EventSelection::Only(types) => types.contains(&event),
        }
    }

    /// As stored and shown: `["*"]` or the types.
    pub fn to_strings(&self) -> Vec<String> {
        match self {
            EventSelection::All => vec!["*".into()],
            EventSelection::Only(types) => types.iter().map(|t| t.as_str().to_owned()).collect(),
        }
    }
}

/// Where Shelf may send requests: https to a public host, unless private destinations are allowed
/// (`SHELF_ALLOW_PRIVATE_ENDPOINTS`, for tests), which also allows http.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboundPolicy {
    pub allow_private: bool,
}

/// A destination URL as given, checked for its form; its addresses are checked when it is called
/// (`OutboundPolicy::allows`), since a name may resolve elsewhere later.
pub fn check_destination(url: &str, policy: OutboundPolicy, pointer: &str) -> Result<(), Violation> {
    let refused = |why: &str| Violation::error(pointer, ViolationCode::InvalidValue, why);
    if url.len() > URL_MAX_CHARS {
        return Err(Violation::error(pointer, ViolationCode::TooLong, "at most 2048 characters"));
    }
    let parsed = url::Url::parse(url).map_err(|e| refused(&format!("not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => {}
        "http" if policy.allow_private => {}
        _ => return Err(refused("an https URL")),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(refused("no credentials in the URL; verify the signature instead"));
    }
    if parsed.fragment().is_some() {
        return Err(refused("no #fragment"));
    }
    let private = match parsed.host() {
        None => return Err(refused("a URL with a host")),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost") || name.ends_with(".internal") || !name.contains('.')
        }
        Some(url::Host::Ipv4(ip)) => !is_public(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => !is_public(IpAddr::V6(ip)),
    };
    if private && !policy.allow_private {
        return Err(refused("a public destination: loopback, private, link-local and internal hosts are refused"));
    }
    Ok(())
}

impl OutboundPolicy {
    /// Whether a resolved address may be called.
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.allow_private || is_public(ip)
    }
}

/// An address on the public internet: not loopback, private, link-local, shared (CGNAT),
/// documentation, benchmarking, multicast, broadcast or unspecified, in IPv4 or IPv6 (and IPv4
/// mapped into IPv6).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8
                || first == 0x0064 && v6.segments()[1] == 0xff9b)
        }
    }
}

/// How long to wait before trying a delivery again after `failures` failed attempts: exponential
/// from 5 s, capped at 6 h, times a jitter factor in 0.8..1.2 (`jitter` in 0..1), so that receivers
/// coming back are not hit by every sender at once.
pub fn retry_delay(failures: u32, jitter: f64) -> Duration {
    let base = 5.0 * 3f64.powi(failures.saturating_sub(1).min(20) as i32);
    let capped = base.min(6.0 * 3600.0);
    Duration::milliseconds((capped * (0.8 + 0.4 * jitter.clamp(0.0, 1.0)) * 1000.0) as i64)
}

/// When the delivery due first at `first_due` is tried next after `failures` failures, or None when
/// that would be past the retry window (it is given up).
pub fn next_attempt(first_due: DateTime<Utc>, now: DateTime<Utc>, failures: u32, jitter: f64) -> Option<DateTime<Utc>> {
    let next = now + retry_delay(failures, jitter);
    (next - first_due <= Duration::hours(RETRY_WINDOW_HOURS)).then_some(next)
}

/// Whether an endpoint failing since `failing_since` is to be disabled now.
pub fn to_disable(failing_since: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - failing_since >= Duration::days(DISABLE_AFTER_FAILING_DAYS)
}

/// Whether a receiver's status code acknowledges a delivery.
pub fn acknowledged(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The first `RESPONSE_KEPT_BYTES` of a receiver's answer, as text (cut at a character boundary).
pub fn kept_response(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(RESPONSE_KEPT_BYTES)]);
    text.trim_end_matches('\u{fffd}').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_selection_is_everything_or_known_distinct_types() {
        assert_eq!(EventSelection::parse(&[]), Ok(EventSelection::All));
        assert_eq!(EventSelection::parse(&["*".into()]), Ok(EventSelection::All));
        let only = EventSelection::parse(&["application.approved".into(), "asset.rejected".into()]).unwrap();
        assert!(only.includes(EventType::AssetRejected) && !only.includes(EventType::ProductListed));
        assert_eq!(only.to_strings(), ["application.approved", "asset.rejected"]);
        let bad = EventSelection::parse(&[
            "application.approved".into(),
            "nope".into(),
            "application.approved".into(),
            "*".into(),
        ])
        .unwrap_err();
        let pointers: Vec<&str> = bad.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(pointers, ["/event_types/1", "/event_types/2", "/event_types/3"]);
    }

    #[test]
    fn destinations_are_public_https_unless_private_ones_are_allowed() {
        let production = OutboundPolicy::default();
        assert_eq!(check_destination("https://hooks.example.com/shelf?k=1", production, "/url"), Ok(()));
        for refused in [
            "http://hooks.example.com/",
            "https://localhost/",
            "https://127.0.0.1/",
            "https://10.1.2.3/",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:192.168.0.1]/",
            "https://metadata.internal/",
            "https://intranet/",
            "https://user:pw@hooks.example.com/",
            "ftp://hooks.example.com/",
            "not a url",
        ] {
            assert!(check_destination(refused, production, "/url").is_err(), "{refused}");
        }
        let tests = OutboundPolicy { allow_private: true };
        assert_eq!(check_destination("http://127.0.0.1:9000/hook", tests, "/url"), Ok(()));
        assert!(check_destination("ftp://127.0.0.1/", tests, "/url").is_err());
    }

    #[test]
    fn only_public_addresses_are_public() {
        for ip in ["8.8.8.8", "2606:4700::1111", "1.1.1.1"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.0.1",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fc00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn retries_back_off_exponentially_with_jitter_within_three_days() {
        assert_eq!(retry_delay(1, 0.5), Duration::seconds(5));
        assert_eq!(retry_delay(2, 0.5), Duration::seconds(15));
        assert_eq!(retry_delay(30, 0.5), Duration::hours(6));
        assert!(retry_delay(3, 0.0) < retry_delay(3, 1.0));
        let first = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert!(next_attempt(first, first + Duration::hours(1), 5, 0.5).is_some());
        assert_eq!(next_attempt(first, first + Duration::hours(71), 20, 0.5), None, "past the window");
        assert!(to_disable(first, first + Duration::days(5)) && !to_disable(first, first + Duration::days(4)));
    }

    #[test]
    fn only_2xx_acknowledges_and_a_kept_answer_is_bounded() {
        assert!(acknowledged(200) && acknowledged(204) && !acknowledged(301) && !acknowledged(500));
        assert_eq!(kept_response(&[b'a'; 5000]).len(), RESPONSE_KEPT_BYTES);
        let cut = "é".repeat(600);
        assert!(kept_response(cut.as_bytes()).chars().all(|c| c == 'é'));
    }
}
