//! Open time as sorted, disjoint spans of instants.
//!
//! Weekly hours are local wall-clock minutes; each day's bounds are converted to instants with
//! one rule ([`bound_instant`]): a bound that falls in a spring-forward gap becomes the instant
//! the gap ends, and a bound that falls in an autumn fold takes the earlier instant.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};

use super::{Calendar, DAY_MS, EngineError, ExceptionKind, MIN_MS, Span, WeeklyHours};

/// How a local wall-clock time maps to instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalTime {
    /// Exactly one instant.
    Unique(i64),
    /// Repeated in an autumn fold: two instants.
    Fold {
        /// The first occurrence (still on summer time).
        earlier: i64,
        /// The second occurrence.
        later: i64,
    },
    /// Skipped by a spring-forward gap: no instant.
    Gap {
        /// The instant the gap ends (the first valid instant after it).
        gap_end: i64,
    },
}

impl LocalTime {
    /// The instant used for an interval bound: the gap end in a gap, the earlier in a fold.
    pub fn bound(self) -> i64 {
        match self {
            LocalTime::Unique(t) => t,
            LocalTime::Fold { earlier, .. } => earlier,
            LocalTime::Gap { gap_end } => gap_end,
        }
    }
}

/// Milliseconds of a civil date-time read as if it were UTC (a "naive" instant).
pub(crate) fn naive_ms(dt: DateTime) -> i64 {
    // Offset::UTC cannot fail for the civil range jiff supports.
    Offset::UTC
        .to_timestamp(dt)
        .map(|t| t.as_millisecond())
        .unwrap_or_default()
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub(crate) fn days_between(a: Date, b: Date) -> i64 {
    (naive_ms(b.to_datetime(jiff::civil::Time::midnight()))
        - naive_ms(a.to_datetime(jiff::civil::Time::midnight())))
        / DAY_MS
}

/// Map a local wall-clock time to instants in `tz`.
pub fn resolve_local(tz: &TimeZone, dt: DateTime) -> LocalTime {
    let naive = naive_ms(dt);
    match tz.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => {
            LocalTime::Unique(naive - i64::from(offset.seconds()) * 1000)
        }
        AmbiguousOffset::Fold { before, after } => LocalTime::Fold {
            earlier: naive - i64::from(before.seconds()) * 1000,
            later: naive - i64::from(after.seconds()) * 1000,
        },
        AmbiguousOffset::Gap { after, before } => {
            // The gap started at some instant T with T+before <= dt < T+after, so T lies in
            // (dt-after, dt-before]: the first transition after dt-after is T.
            let probe = naive - i64::from(after.seconds()) * 1000;
            let fallback = naive - i64::from(before.seconds()) * 1000;
            let gap_end = Timestamp::from_millisecond(probe)
                .ok()
                .and_then(|ts| tz.following(ts).next())
                .map(|tr| tr.timestamp().as_millisecond())
                .filter(|t| *t <= fallback)
                .unwrap_or(fallback);
            LocalTime::Gap { gap_end }
        }
    }
}

/// The instant of a local interval bound (gap → gap end, fold → earlier).
pub fn bound_instant(tz: &TimeZone, dt: DateTime) -> i64 {
    resolve_local(tz, dt).bound()
}

/// One local day of a [`Days`] table.
#[derive(Debug, Clone)]
struct Day {
    date: Date,
    weekday: u8,
    /// Local midnight read as UTC.
    naive0: i64,
    /// The UTC offset in ms when it holds for the whole day (no transition that day).
    uniform_offset_ms: Option<i64>,
}

/// Consecutive local dates with cheap minute → instant conversion (one zone lookup per day
/// without a transition).
#[derive(Debug, Clone)]
pub(crate) struct Days {
    tz: TimeZone,
    first: Date,
    /// `len` usable days plus one more for end-of-day bounds.
    days: Vec<Day>,
}

impl Days {
    /// Dates `first..=last`.
    pub(crate) fn new(tz: &TimeZone, first: Date, last: Date) -> Result<Self, EngineError> {
        let n = days_between(first, last).max(0) + 2;
        let mut days = Vec::with_capacity(n as usize);
        let mut date = first;
        for i in 0..n {
            let midnight = date.to_datetime(jiff::civil::Time::midnight());
            let naive0 = naive_ms(midnight);
            let uniform_offset_ms = match resolve_local(tz, midnight) {
                LocalTime::Unique(t0) => {
                    let next_midnight = naive0 + DAY_MS;
                    let off = naive0 - t0;
                    let next = Timestamp::from_millisecond(t0)
                        .ok()
                        .and_then(|ts| tz.following(ts).next())
                        .map(|tr| tr.timestamp().as_millisecond());
                    match next {
                        Some(tr) if tr < next_midnight - off => None,
                        _ => Some(off),
                    }
                }
                _ => None,
            };
            days.push(Day {
                date,
                weekday: date.weekday().to_monday_one_offset() as u8,
                naive0,
                uniform_offset_ms,
            });
            if i + 1 < n {
                date = date.tomorrow()?;
            }
        }
        Ok(Self {
            tz: tz.clone(),
            first,
            days,
        })
    }

    /// Number of usable days.
    pub(crate) fn len(&self) -> usize {
        self.days.len() - 1
    }

    /// Index of `date`, if inside the table.
    pub(crate) fn index_of(&self, date: Date) -> Option<usize> {
        let i = days_between(self.first, date);
        (i >= 0 && (i as usize) < self.len()).then_some(i as usize)
    }

    pub(crate) fn date(&self, i: usize) -> Date {
        self.days[i].date
    }

    pub(crate) fn weekday(&self, i: usize) -> u8 {
        self.days[i].weekday
    }

    /// Instants of local minute `minute` (0..=1440) on day `i`.
    pub(crate) fn resolve(&self, i: usize, minute: u32) -> LocalTime {
        let (i, minute) = if minute >= 1440 {
            (i + 1, minute - 1440)
        } else {
            (i, minute)
        };
        let day = &self.days[i.min(self.days.len() - 1)];
        match day.uniform_offset_ms {
            Some(off) => LocalTime::Unique(day.naive0 + i64::from(minute) * MIN_MS - off),
            None => {
                let dt = DateTime::from_parts(
                    day.date,
                    jiff::civil::Time::constant((minute / 60) as i8, (minute % 60) as i8, 0, 0),
                );
                resolve_local(&self.tz, dt)
            }
        }
    }

    /// The bound instant of local minute `minute` on day `i`.
    pub(crate) fn bound(&self, i: usize, minute: u32) -> i64 {
        self.resolve(i, minute).bound()
    }

    /// The local wall-clock time of an instant.
    pub(crate) fn local_datetime(&self, ts: Timestamp) -> DateTime {
        self.tz.to_datetime(ts)
    }

    /// Local midnight of day `i` read as UTC.
    pub(crate) fn naive0(&self, i: usize) -> i64 {
        self.days[i].naive0
    }

    /// Open spans of weekly hours over the table's days.
    pub(crate) fn weekly_spans(&self, weekly: &[WeeklyHours]) -> Vec<Span> {
        let mut out = Vec::new();
        for i in 0..self.len() {
            let wd = self.weekday(i);
            for w in weekly.iter().filter(|w| w.weekday == wd) {
                let a = self.bound(i, u32::from(w.start_min));
                let b = self.bound(i, u32::from(w.end_min));
                if a < b {
                    out.push(Span::new(a, b));
                }
            }
        }
        normalize(out)
    }
}

/// Check weekly hours: weekday 1..=7, start <= end <= 1440.
pub(crate) fn validate_weekly(weekly: &[WeeklyHours]) -> Result<(), EngineError> {
    for w in weekly {
        if !(1..=7).contains(&w.weekday) || w.end_min > 1440 || w.start_min > w.end_min {
            return Err(EngineError::BadHours(format!(
                "weekday {} {}–{} min",
                w.weekday, w.start_min, w.end_min
            )));
        }
    }
    Ok(())
}

/// Sort, drop empty spans and merge overlapping or touching ones.
pub(crate) fn normalize(mut spans: Vec<Span>) -> Vec<Span> {
    spans.retain(|s| s.start_ms < s.end_ms);
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start_ms <= last.end_ms => last.end_ms = last.end_ms.max(s.end_ms),
            _ => out.push(s),
        }
    }
    out
}

/// Union of two normalized span lists.
pub(crate) fn union(a: &[Span], b: &[Span]) -> Vec<Span> {
    if b.is_empty() {
        return a.to_vec();
    }
    let mut v = Vec::with_capacity(a.len() + b.len());
    v.extend_from_slice(a);
    v.extend_from_slice(b);
    normalize(v)
}

/// Intersection of two normalized span lists.
pub(crate) fn intersect(a: &[Span], b: &[Span]) -> Vec<Span> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let s = a[i].start_ms.max(b[j].start_ms);
        let e = a[i].end_ms.min(b[j].end_ms);
        if s < e {
            out.push(Span::new(s, e));
        }
        if a[i].end_ms < b[j].end_ms {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// `a` minus `b`, both normalized.
pub(crate) fn subtract(a: &[Span], b: &[Span]) -> Vec<Span> {
    if b.is_empty() {
        return a.to_vec();
    }
    let mut out = Vec::new();
    let mut j = 0;
    for s in a {
        let mut cur = s.start_ms;
        while j < b.len() && b[j].end_ms <= cur {
            j += 1;
        }
        let mut k = j;
        while k < b.len() && b[k].start_ms < s.end_ms {
            if b[k].start_ms > cur {
                out.push(Span::new(cur, b[k].start_ms));
            }
            cur = cur.max(b[k].end_ms);
            k += 1;
        }
        if cur < s.end_ms {
            out.push(Span::new(cur, s.end_ms));
        }
    }
    out
}

/// Whether `span` lies inside one span of the normalized list `open`.
pub(crate) fn covers(open: &[Span], span: &Span) -> bool {
    let i = open.partition_point(|o| o.start_ms <= span.start_ms);
    i > 0 && open[i - 1].end_ms >= span.end_ms
}

/// Exceptions of one kind as a normalized span list.
pub(crate) fn exception_spans(cal: &Calendar, kind: ExceptionKind) -> Vec<Span> {
    normalize(
        cal.exceptions
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.span)
            .collect(),
    )
}

/// The open time of a calendar on local dates `from..=to`: weekly hours plus `Open`
/// exceptions minus `Closed` exceptions, as sorted disjoint spans (exceptions are clipped to
/// the local days asked for).
pub fn open_spans(
    cal: &Calendar,
    tz: &TimeZone,
    from: Date,
    to: Date,
) -> Result<Vec<Span>, EngineError> {
    validate_weekly(&cal.weekly)?;
    if to < from {
        return Err(EngineError::EndBeforeStart);
    }
    let days = Days::new(tz, from, to)?;
    let range = [Span::new(
        days.bound(0, 0),
        days.bound(days.len() - 1, 1440),
    )];
    let weekly = days.weekly_spans(&cal.weekly);
    let opens = intersect(&exception_spans(cal, ExceptionKind::Open), &range);
    Ok(subtract(
        &union(&weekly, &opens),
        &exception_spans(cal, ExceptionKind::Closed),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(a: i64, b: i64) -> Span {
        Span::new(a, b)
    }

    #[test]
    fn set_operations() {
        let a = normalize(vec![s(0, 10), s(5, 15), s(20, 30)]);
        assert_eq!(a, vec![s(0, 15), s(20, 30)]);
        assert_eq!(intersect(&a, &[s(10, 25)]), vec![s(10, 15), s(20, 25)]);
        assert_eq!(
            subtract(&a, &[s(2, 3), s(14, 21)]),
            vec![s(0, 2), s(3, 14), s(21, 30)]
        );
        assert_eq!(union(&a, &[s(15, 20)]), vec![s(0, 30)]);
        assert!(covers(&a, &s(20, 30)));
        assert!(!covers(&a, &s(14, 21)));
    }

    #[test]
    fn gap_end_is_the_transition() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let dt = jiff::civil::date(2026, 3, 29).at(2, 30, 0, 0);
        let LocalTime::Gap { gap_end } = resolve_local(&tz, dt) else {
            panic!("expected a gap")
        };
        // 03:00 CEST = 01:00 UTC.
        let expect = "2026-03-29T01:00:00Z".parse::<Timestamp>().unwrap();
        assert_eq!(gap_end, expect.as_millisecond());
    }
}
