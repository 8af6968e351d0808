//! A small RRULE subset for repeating bookings: `FREQ=DAILY|WEEKLY|MONTHLY`, `INTERVAL`,
//! `BYDAY` (weekly and daily only), `COUNT`, `UNTIL` (a date, inclusive).
//!
//! Expansion keeps the local wall-clock time: a 10:00 series stays at 10:00 across daylight
//! saving changes. An occurrence whose local time falls in a spring-forward gap is shifted
//! forward by the length of the gap (02:30 becomes 03:30 when clocks jump from 02:00 to 03:00),
//! as RFC 5545 prescribes; one in an autumn fold takes the earlier instant. The first date
//! counts only if it matches the rule. Monthly rules repeat the day of month of the first
//! date and skip months without it (the 31st skips April).

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

use super::EngineError;
use super::calendar::{self, LocalTime};

/// The most occurrences one series may have.
pub const MAX_OCCURRENCES: u32 = 52;
/// The largest interval.
pub const MAX_INTERVAL: u32 = 12;

/// How often the rule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Freq {
    /// Every `interval` days.
    Daily,
    /// Every `interval` weeks (weeks start on Monday).
    Weekly,
    /// Every `interval` months on the same day of month.
    Monthly,
}

/// A repeating rule: `FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH;COUNT=10`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecurrenceRule {
    /// Frequency.
    pub freq: Freq,
    /// Every n-th day/week/month, 1..=12.
    pub interval: u32,
    /// ISO weekdays (1 = Monday … 7 = Sunday); empty = the first date's weekday (weekly) or
    /// every day (daily). Not allowed with monthly rules.
    pub by_day: Vec<u8>,
    /// Number of occurrences (at most 52).
    pub count: Option<u32>,
    /// Last date (inclusive), within a year of the first.
    pub until: Option<Date>,
}

const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn bad(msg: impl Into<String>) -> EngineError {
    EngineError::BadRule(msg.into())
}

impl RecurrenceRule {
    /// Parse the subset (an optional `RRULE:` prefix is accepted). Does not check limits that
    /// depend on the first date; see [`RecurrenceRule::validate`].
    pub fn parse(s: &str) -> Result<Self, EngineError> {
        let s = s.trim();
        let s = s.strip_prefix("RRULE:").unwrap_or(s);
        let mut freq = None;
        let mut interval = 1;
        let mut by_day = Vec::new();
        let mut count = None;
        let mut until = None;
        let mut seen: Vec<String> = Vec::new();
        for part in s.split(';').filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| bad(format!("{part:?} is not KEY=VALUE")))?;
            let k = k.trim().to_ascii_uppercase();
            let v = v.trim();
            if seen.contains(&k) {
                return Err(bad(format!("{k} appears twice")));
            }
            seen.push(k.clone());
            match k.as_str() {
                "FREQ" => {
                    freq = Some(match v.to_ascii_uppercase().as_str() {
                        "DAILY" => Freq::Daily,
                        "WEEKLY" => Freq::Weekly,
                        "MONTHLY" => Freq::Monthly,
                        other => return Err(bad(format!("unsupported FREQ {other}"))),
                    })
                }
                "INTERVAL" => {
                    interval = v
                        .parse()
                        .map_err(|_| bad(format!("INTERVAL {v:?} is not a number")))?
                }
                "COUNT" => {
                    count = Some(
                        v.parse()
                            .map_err(|_| bad(format!("COUNT {v:?} is not a number")))?,
                    )
                }
                "BYDAY" => {
                    for d in v.split(',') {
                        let d = d.trim().to_ascii_uppercase();
                        let i = DAYS
                            .iter()
                            .position(|x| *x == d)
                            .ok_or_else(|| bad(format!("BYDAY {d:?} is not MO..SU")))?;
                        by_day.push(i as u8 + 1);
                    }
                }
                "UNTIL" => until = Some(parse_until(v)?),
                other => return Err(bad(format!("unsupported part {other}"))),
            }
        }
        let freq = freq.ok_or_else(|| bad("FREQ is missing"))?;
        Ok(Self {
            freq,
            interval,
            by_day,
            count,
            until,
        })
    }

    /// Check the limits: interval 1..=12, count 1..=52, count or until present, until not
    /// before `first` and within one year of it, weekdays 1..=7 without repeats, no BYDAY on a
    /// monthly rule.
    pub fn validate(&self, first: Date) -> Result<(), EngineError> {
        if !(1..=MAX_INTERVAL).contains(&self.interval) {
            return Err(bad(format!("INTERVAL must be 1..={MAX_INTERVAL}")));
        }
        if let Some(c) = self.count
            && !(1..=MAX_OCCURRENCES).contains(&c)
        {
            return Err(bad(format!("COUNT must be 1..={MAX_OCCURRENCES}")));
        }
        if self.count.is_none() && self.until.is_none() {
            return Err(bad("COUNT or UNTIL is required"));
        }
        if let Some(u) = self.until {
            if u < first {
                return Err(bad("UNTIL is before the first date"));
            }
            if u > first.checked_add(jiff::Span::new().years(1))? {
                return Err(bad("UNTIL must be within one year of the first date"));
            }
        }
        let mut days = self.by_day.clone();
        days.sort_unstable();
        days.dedup();
        if days.len() != self.by_day.len() || days.iter().any(|d| !(1..=7).contains(d)) {
            return Err(bad("BYDAY must list distinct weekdays"));
        }
        if self.freq == Freq::Monthly && !self.by_day.is_empty() {
            return Err(bad("BYDAY is not supported with FREQ=MONTHLY"));
        }
        Ok(())
    }

    /// The local dates of the series starting on `first` (no time zone involved).
    pub fn dates(&self, first: Date) -> Result<Vec<Date>, EngineError> {
        self.validate(first)?;
        let limit = self.count.unwrap_or(MAX_OCCURRENCES + 1);
        // With COUNT only, the count (at most 52) ends the series.
        let until = self.until.unwrap_or(Date::MAX);
        let mut out: Vec<Date> = Vec::new();
        let push = |d: Date, out: &mut Vec<Date>| -> Result<bool, EngineError> {
            if d > until || out.len() as u32 >= limit {
                return Ok(false);
            }
            if out.len() as u32 >= MAX_OCCURRENCES {
                return Err(bad(format!(
                    "the series has more than {MAX_OCCURRENCES} occurrences"
                )));
            }
            out.push(d);
            Ok(true)
        };
        let step = i64::from(self.interval);
        let wd = |d: Date| d.weekday().to_monday_one_offset() as u8;
        match self.freq {
            Freq::Daily => {
                let mut d = first;
                loop {
                    if (self.by_day.is_empty() || self.by_day.contains(&wd(d)))
                        && !push(d, &mut out)?
                    {
                        break;
                    }
                    d = d.checked_add(jiff::Span::new().days(step))?;
                    if d > until {
                        break;
                    }
                }
            }
            Freq::Weekly => {
                let mut days = if self.by_day.is_empty() {
                    vec![wd(first)]
                } else {
                    self.by_day.clone()
                };
                days.sort_unstable();
                let mut monday =
                    first.checked_sub(jiff::Span::new().days(i64::from(wd(first)) - 1))?;
                'weeks: loop {
                    for &day in &days {
                        let d = monday.checked_add(jiff::Span::new().days(i64::from(day) - 1))?;
                        if d < first {
                            continue;
                        }
                        if !push(d, &mut out)? {
                            break 'weeks;
                        }
                    }
                    monday = monday.checked_add(jiff::Span::new().weeks(step))?;
                    if monday > until {
                        break;
                    }
                }
            }
            Freq::Monthly => {
                let (y0, m0, dom) = (
                    i64::from(first.year()),
                    i64::from(first.month()),
                    first.day(),
                );
                let mut k = 0i64;
                loop {
                    let months = (m0 - 1) + k * step;
                    let y = y0 + months.div_euclid(12);
                    let m = months.rem_euclid(12) + 1;
                    let Ok(y) = i16::try_from(y) else { break };
                    let month_first = Date::new(y, m as i8, 1)?;
                    if month_first > until {
                        break;
                    }
                    if dom <= month_first.days_in_month()
                        && !push(Date::new(y, m as i8, dom)?, &mut out)?
                    {
                        break;
                    }
                    k += 1;
                }
            }
        }
        Ok(out)
    }
}

fn parse_until(v: &str) -> Result<Date, EngineError> {
    let digits: String = v.chars().take(8).collect();
    if digits.len() != 8 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad(format!("UNTIL {v:?} is not YYYYMMDD")));
    }
    let y: i16 = digits[0..4].parse().map_err(|_| bad("bad UNTIL year"))?;
    let m: i8 = digits[4..6].parse().map_err(|_| bad("bad UNTIL month"))?;
    let d: i8 = digits[6..8].parse().map_err(|_| bad("bad UNTIL day"))?;
    Date::new(y, m, d).map_err(|_| bad(format!("UNTIL {v:?} is not a date")))
}

impl fmt::Display for RecurrenceRule {
    /// Canonical form: `FREQ=…;INTERVAL=…[;BYDAY=…][;COUNT=…][;UNTIL=YYYYMMDD]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let freq = match self.freq {
            Freq::Daily => "DAILY",
            Freq::Weekly => "WEEKLY",
            Freq::Monthly => "MONTHLY",
        };
        write!(f, "FREQ={freq};INTERVAL={}", self.interval)?;
        if !self.by_day.is_empty() {
            let days: Vec<&str> = self
                .by_day
                .iter()
                .map(|d| {
                    DAYS.get(usize::from(d.saturating_sub(1)))
                        .copied()
                        .unwrap_or("??")
                })
                .collect();
            write!(f, ";BYDAY={}", days.join(","))?;
        }
        if let Some(c) = self.count {
            write!(f, ";COUNT={c}")?;
        }
        if let Some(u) = self.until {
            write!(f, ";UNTIL={:04}{:02}{:02}", u.year(), u.month(), u.day())?;
        }
        Ok(())
    }
}

impl FromStr for RecurrenceRule {
    type Err = EngineError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The occurrences of `rule` starting at local `first` in `tz`, as epoch milliseconds.
///
/// Wall-clock time is kept across DST; a time in a gap moves forward by the gap's length; a
/// time in a fold takes the earlier instant. At most 52 occurrences.
pub fn expand(
    rule: &RecurrenceRule,
    first: DateTime,
    tz: &TimeZone,
) -> Result<Vec<i64>, EngineError> {
    let time = first.time();
    rule.dates(first.date())?
        .into_iter()
        .map(|d| {
            let dt = d.to_datetime(time);
            Ok(match calendar::resolve_local(tz, dt) {
                LocalTime::Unique(t) => t,
                LocalTime::Fold { earlier, .. } => earlier,
                LocalTime::Gap { .. } => {
                    tz.to_ambiguous_timestamp(dt).compatible()?.as_millisecond()
                }
            })
        })
        .collect()
}
