//! After-sales service: contact email, optional hotline, and service hours covering at least
//! 8 hours a day and 5 days a week.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::contact::{is_email, is_phone};
use crate::violation::{Violation, ViolationCode};

pub const MIN_HOURS_PER_DAY: u32 = 8;
pub const MIN_DAYS_PER_WEEK: usize = 5;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AfterSales {
    /// Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "support@example.com")]
    pub email: Option<String>,
    /// Optional; a warning when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "+86 755 1234 5678")]
    pub hotline: Option<String>,
    /// `HH:MM-HH:MM`, at least 8 hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "09:00-18:00")]
    pub hours: Option<String>,
    /// Days of the week: `mon-fri`, `mon,tue,wed,thu,fri,sat` or `daily`; at least 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "mon-fri")]
    pub days: Option<String>,
    /// UTC offset of the service hours, `±HH:MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "+08:00")]
    pub timezone: Option<String>,
}

impl AfterSales {
    pub fn check(&self, prefix: &str) -> Vec<Violation> {
        let at = |field: &str| format!("{prefix}/{field}");
        let mut out = Vec::new();
        match self.email.as_deref() {
            None => out.push(Violation::required(at("email"))),
            Some(email) if !is_email(email) => out.push(Violation::error(
                at("email"),
                ViolationCode::InvalidFormat,
                format!("`{email}` is not an email address"),
            )),
            Some(_) => {}
        }
        match self.hotline.as_deref() {
            None => out.push(Violation::warning(
                at("hotline"),
                ViolationCode::HotlineMissing,
                "no after-sales hotline: customers can only write",
            )),
            Some(hotline) if !is_phone(hotline) => out.push(Violation::error(
                at("hotline"),
                ViolationCode::InvalidFormat,
                format!("`{hotline}` is not a phone number"),
            )),
            Some(_) => {}
        }
        match self.hours.as_deref().map(|h| (h, service_minutes(h))) {
            None => out.push(Violation::required(at("hours"))),
            Some((hours, None)) => out.push(Violation::error(
                at("hours"),
                ViolationCode::InvalidFormat,
                format!("hours must be HH:MM-HH:MM, e.g. 09:00-18:00; got `{hours}`"),
            )),
            Some((hours, Some(minutes))) if minutes < MIN_HOURS_PER_DAY * 60 => out.push(Violation::error(
                at("hours"),
                ViolationCode::CoverageInsufficient,
                format!("`{hours}` covers less than {MIN_HOURS_PER_DAY} hours a day"),
            )),
            Some(_) => {}
        }
        match self.days.as_deref().map(|d| (d, service_days(d))) {
            None => out.push(Violation::required(at("days"))),
            Some((days, None)) => out.push(Violation::error(
                at("days"),
                ViolationCode::InvalidFormat,
                format!("days must name weekdays like mon-fri or mon,wed,fri or daily; got `{days}`"),
            )),
            Some((days, Some(n))) if n < MIN_DAYS_PER_WEEK => out.push(Violation::error(
                at("days"),
                ViolationCode::CoverageInsufficient,
                format!("`{days}` covers {n} days a week; at least {MIN_DAYS_PER_WEEK} are needed"),
            )),
            Some(_) => {}
        }
        match self.timezone.as_deref() {
            None => out.push(Violation::required(at("timezone"))),
            Some(tz) if parse_utc_offset(tz).is_none() => out.push(Violation::error(
                at("timezone"),
                ViolationCode::InvalidFormat,
                format!("timezone must be a UTC offset like +08:00; got `{tz}`"),
            )),
            Some(_) => {}
        }
        out
    }
}

fn clock_minutes(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(24 * 60),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// Minutes of service a day for `HH:MM-HH:MM`; an end before the start runs past midnight.
pub fn service_minutes(hours: &str) -> Option<u32> {
    let (start, end) = hours.split_once('-')?;
    let (start, end) = (clock_minutes(start.trim())?, clock_minutes(end.trim())?);
    if start == 24 * 60 {
        return None;
    }
    Some(if end > start { end - start } else { 24 * 60 - start + end })
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Number of distinct weekdays named by `mon-fri`, `mon,wed,fri`, `fri-mon` (wrapping) or `daily`.
pub fn service_days(days: &str) -> Option<usize> {
    let lower = days.trim().to_ascii_lowercase();
    if lower == "daily" || lower == "everyday" {
        return Some(7);
    }
    let day = |s: &str| WEEKDAYS.iter().position(|d| *d == s.trim());
    let mut seen = [false; 7];
    for part in lower.split(',') {
        match part.split_once('-') {
            Some((from, to)) => {
                let (from, to) = (day(from)?, day(to)?);
                let mut d = from;
                loop {
                    seen[d] = true;
                    if d == to {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => seen[day(part)?] = true,
        }
    }
    Some(seen.iter().filter(|s| **s).count())
}

/// Seconds east of UTC for `±HH:MM`, `Z` or `UTC`.
pub fn parse_utc_offset(tz: &str) -> Option<i32> {
    if tz == "Z" || tz == "UTC" {
        return Some(0);
    }
    let sign = match tz.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let minutes = clock_minutes(&tz[1..])? as i32;
    (minutes <= 14 * 60).then_some(sign * minutes * 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::violation::Severity;

    fn full() -> AfterSales {
        AfterSales {
            email: Some("support@example.com".into()),
            hotline: Some("+86 755 1234 5678".into()),
            hours: Some("09:00-18:00".into()),
            days: Some("mon-fri".into()),
            timezone: Some("+08:00".into()),
        }
    }

    #[test]
    fn full_after_sales_passes() {
        assert_eq!(full().check("/after_sales"), vec![]);
    }

    #[test]
    fn missing_hotline_is_only_a_warning() {
        let v = AfterSales { hotline: None, ..full() }.check("/after_sales");
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].code, v[0].severity), (ViolationCode::HotlineMissing, Severity::Warning));
        assert_eq!(v[0].pointer, "/after_sales/hotline");
    }

    #[test]
    fn missing_email_is_required() {
        let v = AfterSales { email: None, ..full() }.check("/after_sales");
        assert_eq!((v[0].pointer.as_str(), v[0].code), ("/after_sales/email", ViolationCode::Required));
    }

    #[test]
    fn coverage_below_eight_hours_or_five_days_fails() {
        let v = AfterSales { hours: Some("09:00-16:59".into()), days: Some("mon-thu".into()), ..full() }.check("");
        let codes: Vec<_> = v.iter().map(|v| (v.pointer.as_str(), v.code)).collect();
        assert_eq!(
            codes,
            [("/hours", ViolationCode::CoverageInsufficient), ("/days", ViolationCode::CoverageInsufficient)]
        );
    }

    #[test]
    fn hours_and_days_parse() {
        assert_eq!(service_minutes("09:00-17:00"), Some(480));
        assert_eq!(service_minutes("00:00-24:00"), Some(1440));
        assert_eq!(service_minutes("20:00-08:00"), Some(720));
        assert_eq!(service_minutes("9-17"), None);
        assert_eq!(service_minutes("25:00-26:00"), None);
        assert_eq!(service_days("mon-fri"), Some(5));
        assert_eq!(service_days("fri-mon"), Some(4));
        assert_eq!(service_days("mon,tue,wed,thu,fri,sat"), Some(6));
        assert_eq!(service_days("daily"), Some(7));
        assert_eq!(service_days("weekdays"), None);
        assert_eq!(parse_utc_offset("+08:00"), Some(8 * 3600));
        assert_eq!(parse_utc_offset("-05:30"), Some(-(5 * 3600 + 1800)));
        assert_eq!(parse_utc_offset("+15:00"), None);
        assert_eq!(parse_utc_offset("08:00"), None);
    }

    #[test]
    fn malformed_fields_are_invalid_format() {
        let bad = AfterSales {
            email: Some("not-an-email".into()),
            hotline: Some("call us".into()),
            hours: Some("all day".into()),
            days: Some("weekdays".into()),
            timezone: Some("CST".into()),
        };
        assert!(bad.check("").iter().all(|v| v.code == ViolationCode::InvalidFormat));
        assert_eq!(bad.check("").len(), 5);
    }
}
