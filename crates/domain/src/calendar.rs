//! The marketplace's working-day calendar: review deadlines skip weekends and the admin's holidays,
//! counted in the marketplace time zone.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

use crate::violation::{Violation, ViolationCode};

/// Working days a review may take.
pub const REVIEW_WORKING_DAYS: u32 = 3;
/// Extra working days for a seller's 10th and later submission of one calendar day.
pub const EXTENDED_REVIEW_EXTRA_DAYS: u32 = 2;
/// From this many submissions in one calendar day on, reviews are extended.
pub const EXTENDED_REVIEW_FROM: u32 = 10;
/// At most this many holidays in the calendar.
pub const MAX_HOLIDAYS: usize = 1000;
/// No search for a working day looks further than this (a calendar of nothing but holidays).
const MAX_DAYS_SEARCHED: u32 = 3660;

/// The admin's holiday list: dates written `YYYY-MM-DD` (nothing else), at most `MAX_HOLIDAYS`
/// distinct ones. Refused with every broken rule, at `/dates/{i}` and `/dates`.
pub fn parse_holidays(texts: &[String]) -> Result<BTreeSet<NaiveDate>, Vec<Violation>> {
    let mut errors = Vec::new();
    let mut dates = BTreeSet::new();
    for (i, text) in texts.iter().enumerate() {
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) if date.to_string() == *text => {
                dates.insert(date);
            }
            _ => errors.push(Violation::error(
                format!("/dates/{i}"),
                ViolationCode::InvalidFormat,
                format!("`{text}` is not a date like 2026-10-01"),
            )),
        }
    }
    if dates.len() > MAX_HOLIDAYS {
        errors.push(Violation::error("/dates", ViolationCode::TooMany, format!("at most {MAX_HOLIDAYS} holidays")));
    }
    if errors.is_empty() { Ok(dates) } else { Err(errors) }
}

#[derive(Debug, Clone)]
pub struct Calendar {
    zone: FixedOffset,
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// `offset_seconds` east of UTC (e.g. 8 × 3600 for UTC+08:00).
    pub fn new(offset_seconds: i32, holidays: BTreeSet<NaiveDate>) -> Option<Calendar> {
        Some(Calendar { zone: FixedOffset::east_opt(offset_seconds)?, holidays })
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&date)
    }

    /// The calendar day of `t` in the marketplace zone.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.zone).date_naive()
    }

    fn next_working_day(&self, mut date: NaiveDate) -> NaiveDate {
        for _ in 0..MAX_DAYS_SEARCHED {
            date = date.succ_opt().unwrap_or(date);
            if self.is_working_day(date) {
                break;
            }
        }
        date
    }

    /// `days` working days after `from`: each working day moves to the same clock time on the next
    /// working day; a start on a non-working day counts from 00:00 of the next working day.
    pub fn add_working_days(&self, from: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let local = from.with_timezone(&self.zone).naive_local();
        let (mut date, time) = if self.is_working_day(local.date()) {
            (local.date(), local.time())
        } else {
            (self.next_working_day(local.date()), NaiveTime::MIN)
        };
        for _ in 0..days {
            date = self.next_working_day(date);
        }
        self.zone
            .from_local_datetime(&date.and_time(time))
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(from + Duration::days(i64::from(days)))
    }

    /// When a review submitted at `submitted_at` is due; `extended` adds the extra days.
    pub fn review_due(&self, submitted_at: DateTime<Utc>, extended: bool) -> DateTime<Utc> {
        let extra = if extended { EXTENDED_REVIEW_EXTRA_DAYS } else { 0 };
        self.add_working_days(submitted_at, REVIEW_WORKING_DAYS + extra)
    }

    /// The UTC instants that bound the marketplace calendar day of `t` (for counting a day's submissions).
    pub fn day_bounds(&self, t: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let date = self.local_date(t);
        let start =
            self.zone.from_local_datetime(&date.and_time(NaiveTime::MIN)).single().map_or(t, |s| s.with_timezone(&Utc));
        (start, start + Duration::days(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holidays_are_exact_dates_each_refusal_at_its_index() {
        let texts = ["2026-10-01", "2026-10-01", "2026-1-2", "tomorrow"].map(String::from);
        let errors = parse_holidays(&texts).unwrap_err();
        let pointers: Vec<&str> = errors.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(pointers, ["/dates/2", "/dates/3"]);
        assert_eq!(parse_holidays(&texts[..2]).unwrap().len(), 1);
        let many: Vec<String> = (0..=MAX_HOLIDAYS as i64)
            .map(|d| (NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(d)).to_string())
            .collect();
        assert_eq!(parse_holidays(&many).unwrap_err()[0].code, ViolationCode::TooMany);
    }

    const UTC8: i32 = 8 * 3600;

    /// A local (UTC+08:00) time as UTC.
    fn at(date: &str, time: &str) -> DateTime<Utc> {
        let local = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .unwrap()
            .and_time(NaiveTime::parse_from_str(time, "%H:%M").unwrap());
        FixedOffset::east_opt(UTC8).unwrap().from_local_datetime(&local).unwrap().with_timezone(&Utc)
    }

    fn calendar(holidays: &[&str]) -> Calendar {
        let holidays = holidays.iter().map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()).collect();
        Calendar::new(UTC8, holidays).unwrap()
    }

    #[test]
    fn review_due_dates_of_the_guide() {
        // 2026-11-23 is a Monday.
        let c = calendar(&[]);
        for (submitted, due) in [
            (at("2026-11-23", "10:00"), at("2026-11-26", "10:00")), // Monday 10:00 → Thursday 10:00
            (at("2026-11-27", "10:00"), at("2026-12-02", "10:00")), // Friday 10:00 → Wednesday 10:00
            (at("2026-11-28", "15:30"), at("2026-12-03", "00:00")), // Saturday → Thursday 00:00
            (at("2026-11-29", "23:59"), at("2026-12-03", "00:00")), // Sunday → Thursday 00:00
            (at("2026-11-26", "23:59"), at("2026-12-01", "23:59")), // Thursday 23:59 → Tuesday 23:59
        ] {
            assert_eq!(c.review_due(submitted, false), due, "submitted {submitted}");
        }
    }

    #[test]
    fn holidays_are_skipped_like_weekends() {
        let c = calendar(&["2026-11-24", "2026-11-25"]);
        assert_eq!(c.review_due(at("2026-11-23", "10:00"), false), at("2026-11-30", "10:00"));
        // Submitted on a holiday: from 00:00 of the next working day.
        assert_eq!(c.review_due(at("2026-11-24", "09:00"), false), at("2026-12-01", "00:00"));
    }

    #[test]
    fn extended_reviews_take_two_more_working_days() {
        let c = calendar(&[]);
        assert_eq!(c.review_due(at("2026-11-23", "10:00"), true), at("2026-11-30", "10:00"));
    }

    #[test]
    fn the_zone_decides_the_calendar_day() {
        let c = calendar(&[]);
        // Friday 23:00 UTC is Saturday 07:00 in UTC+08:00.
        let friday_night_utc = Utc.with_ymd_and_hms(2026, 11, 27, 23, 0, 0).unwrap();
        assert_eq!(c.local_date(friday_night_utc), NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        assert_eq!(c.review_due(friday_night_utc, false), at("2026-12-03", "00:00"));
        let (start, end) = c.day_bounds(friday_night_utc);
        assert_eq!((start, end), (at("2026-11-28", "00:00"), at("2026-11-29", "00:00")));
    }

    #[test]
    fn a_calendar_of_only_holidays_still_answers() {
        let all: Vec<String> =
            (0..4000).map(|i| (NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(i)).to_string()).collect();
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let c = calendar(&refs);
        let _ = c.review_due(at("2026-11-23", "10:00"), false);
    }
}
