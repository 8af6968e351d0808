//! Restaurant tables: assignment of a party to a table or a combination, and reservation times.
//!
//! Assignment rule (deterministic, independent of input order):
//! 1. Single tables that are free over the span (no busy span overlaps), seat the party
//!    (`min_seats <= party <= max_seats`), carry every required tag and lie in the requested
//!    area. `assign` does not look at `online`; [`table_availability`] removes offline tables
//!    first when `online_only` is set, which also removes combinations that need them.
//! 2. Only when no single table qualifies: combinations whose member tables all exist, are
//!    distinct and free, that seat the party (`min_seats <= party <= max_seats` of the combo),
//!    whose members all lie in the requested area, and where every required tag is carried by
//!    at least one member (a party at joined tables can sit at the accessible end).
//! 3. Among candidates: least wasted seats (`max_seats - party`), then fewest tables, then the
//!    stable order: a single table by (`sort`, id); a combination by its members' (`sort`, id)
//!    pairs sorted ascending, compared as lists, then the combination id.

use std::cmp::Ordering;
use std::collections::HashMap;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::calendar::{self, LocalTime};
use super::{DAY_MS, EngineError, MAX_PARTY, MIN_MS, Rules, Span};

/// A restaurant table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Stable id.
    pub id: String,
    /// Area (terrace, bar, main room…).
    pub area: Option<String>,
    /// Smallest party it is given to.
    pub min_seats: u32,
    /// Largest party it seats.
    pub max_seats: u32,
    /// Features: accessible, pets, stroller, high_chair…
    pub tags: Vec<String>,
    /// Preference order (lower first).
    pub sort: i32,
    /// Bookable online.
    pub online: bool,
    /// Existing reservations and holds (turn time included).
    pub busy: Vec<Span>,
}

/// Tables that can be joined for a larger party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Combo {
    /// Stable id.
    pub id: String,
    /// Member table ids.
    pub tables: Vec<String>,
    /// Smallest party it is given to.
    pub min_seats: u32,
    /// Largest party it seats.
    pub max_seats: u32,
}

/// How long a party keeps its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnTime {
    /// Applies to parties up to this size.
    pub max_party: u32,
    /// Minutes at the table.
    pub minutes: u32,
}

/// A service period (lunch, dinner) on some weekdays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// Name shown to guests and staff.
    pub name: String,
    /// ISO weekdays (1 = Monday … 7 = Sunday).
    pub weekdays: Vec<u8>,
    /// First seating, minutes after local midnight.
    pub start_min: u16,
    /// Last seating, minutes after local midnight (inclusive).
    pub last_seating_min: u16,
    /// Minutes between seatings; 0 uses `Rules::slot_step_min`.
    pub slot_step_min: u32,
    /// Turn times by party size, ascending; the first entry with `party <= max_party` applies,
    /// and the last entry applies to larger parties.
    pub turn_times: Vec<TurnTime>,
    /// Most covers starting at one seating time.
    pub max_covers_per_slot: Option<u32>,
    /// `(interval minutes, max covers)`: most covers starting within any such interval.
    pub pacing: Option<(u32, u32)>,
}

/// An existing reservation's start and covers, for pacing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seated {
    /// Start (epoch ms).
    pub start_ms: i64,
    /// Guests.
    pub covers: u32,
}

/// Everything [`table_availability`] needs for one date.
#[derive(Debug, Clone)]
pub struct TableQuery {
    /// The restaurant's time zone.
    pub tz: TimeZone,
    /// Service periods.
    pub periods: Vec<Period>,
    /// Tables.
    pub tables: Vec<Table>,
    /// Joinable combinations.
    pub combos: Vec<Combo>,
    /// Existing reservations, for pacing.
    pub seated: Vec<Seated>,
    /// Closures (private events, holidays).
    pub closures: Vec<Span>,
    /// The local date.
    pub date: jiff::civil::Date,
    /// Guests, 1..=50.
    pub party_size: u32,
    /// Required table tags.
    pub requirements: Vec<String>,
    /// Requested area.
    pub area: Option<String>,
    /// Only tables bookable online (the public booking page).
    pub online_only: bool,
    /// Notice and window (`slot_step_min` is the default step of periods without one).
    pub rules: Rules,
    /// The current instant (epoch ms).
    pub now_ms: i64,
}

/// The tables chosen for a party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableAssignment {
    /// Table ids (members of a combination sorted by their stable order).
    pub tables: Vec<String>,
    /// The combination used, if any.
    pub combo: Option<String>,
    /// Seats of the table or combination.
    pub seats: u32,
    /// Seats left empty (`seats - party`).
    pub wasted: u32,
    /// Why this choice, in one English sentence.
    pub explanation: String,
}

/// One bookable reservation time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSlot {
    /// The period's name.
    pub period: String,
    /// Start (epoch ms).
    pub start_ms: i64,
    /// End of the turn (epoch ms).
    pub end_ms: i64,
    /// Local wall-clock start.
    pub local: DateTime,
    /// The table or combination to use.
    pub assignment: TableAssignment,
}

fn free(t: &Table, span: &Span) -> bool {
    !t.busy.iter().any(|b| b.overlaps(span))
}

fn in_area(t: &Table, area: Option<&str>) -> bool {
    area.is_none_or(|a| t.area.as_deref() == Some(a))
}

fn has_all(t: &Table, reqs: &[String]) -> bool {
    reqs.iter().all(|r| t.tags.contains(r))
}

fn guests(n: u32) -> String {
    if n == 1 {
        "1 guest".into()
    } else {
        format!("{n} guests")
    }
}

/// Choose the table or combination for `party` over `span` by the rule in the module
/// documentation; `None` when nothing fits. Offline tables are not filtered here.
pub fn assign(
    tables: &[Table],
    combos: &[Combo],
    party: u32,
    requirements: &[String],
    area: Option<&str>,
    span: Span,
) -> Option<TableAssignment> {
    let single = tables
        .iter()
        .filter(|t| {
            t.min_seats <= party
                && party <= t.max_seats
                && has_all(t, requirements)
                && in_area(t, area)
                && free(t, &span)
        })
        .min_by(|a, b| (a.max_seats, a.sort, &a.id).cmp(&(b.max_seats, b.sort, &b.id)));
    if let Some(t) = single {
        let mut explanation = format!(
            "Table {} ({} seats) is the smallest free table for {}",
            t.id,
            t.max_seats,
            guests(party)
        );
        if let Some(a) = area {
            explanation.push_str(&format!(" in {a}"));
        }
        if !requirements.is_empty() {
            explanation.push_str("; ");
            explanation.push_str(&requirements.join(", "));
        }
        return Some(TableAssignment {
            tables: vec![t.id.clone()],
            combo: None,
            seats: t.max_seats,
            wasted: t.max_seats - party,
            explanation,
        });
    }

    // Among duplicate ids, the first in stable order wins, whatever the input order.
    let mut by_id: HashMap<&str, &Table> = HashMap::with_capacity(tables.len());
    for t in tables {
        by_id
            .entry(t.id.as_str())
            .and_modify(|cur| {
                if (t.sort, t.max_seats, t.min_seats) < (cur.sort, cur.max_seats, cur.min_seats) {
                    *cur = t;
                }
            })
            .or_insert(t);
    }
    type Key<'a> = (u32, usize, Vec<(i32, &'a str)>, &'a str);
    let mut best: Option<(Key<'_>, &Combo, Vec<&Table>)> = None;
    'combos: for c in combos {
        if c.tables.is_empty() || party < c.min_seats || party > c.max_seats {
            continue;
        }
        let mut members: Vec<&Table> = Vec::with_capacity(c.tables.len());
        for id in &c.tables {
            let Some(t) = by_id.get(id.as_str()) else {
                continue 'combos;
            };
            if members.iter().any(|m| m.id == t.id) || !free(t, &span) || !in_area(t, area) {
                continue 'combos;
            }
            members.push(t);
        }
        if !requirements
            .iter()
            .all(|r| members.iter().any(|m| m.tags.contains(r)))
        {
            continue;
        }
        members.sort_by(|a, b| (a.sort, &a.id).cmp(&(b.sort, &b.id)));
        let key: Key<'_> = (
            c.max_seats - party,
            members.len(),
            members.iter().map(|m| (m.sort, m.id.as_str())).collect(),
            c.id.as_str(),
        );
        let better = match &best {
            None => true,
            Some((k, ..)) => key.cmp(k) == Ordering::Less,
        };
        if better {
            best = Some((key, c, members));
        }
    }
    let (_, c, members) = best?;
    let names: Vec<String> = members.iter().map(|m| m.id.clone()).collect();
    let wasted = c.max_seats - party;
    let mut explanation = format!(
        "No single free table seats {}; combination {} ({} seats) wastes {} seat{}",
        guests(party),
        names.join("+"),
        c.max_seats,
        wasted,
        if wasted == 1 { "" } else { "s" }
    );
    if !requirements.is_empty() {
        explanation.push_str("; ");
        explanation.push_str(&requirements.join(", "));
    }
    Some(TableAssignment {
        tables: names,
        combo: Some(c.id.clone()),
        seats: c.max_seats,
        wasted,
        explanation,
    })
}

/// The turn time for a party: the first entry (by `max_party`) that covers it, else the
/// largest.
fn turn_minutes(turns: &[TurnTime], party: u32) -> Option<u32> {
    let mut sorted = turns.to_vec();
    sorted.sort_by_key(|t| (t.max_party, t.minutes));
    sorted
        .iter()
        .find(|t| party <= t.max_party)
        .or(sorted.last())
        .map(|t| t.minutes)
}

/// Whether a new party of `party` covers starting at `start` keeps every pacing limit.
fn pacing_ok(p: &Period, seated: &[Seated], start: i64, party: u32) -> bool {
    if let Some(max) = p.max_covers_per_slot {
        let same: u32 = seated
            .iter()
            .filter(|s| s.start_ms == start)
            .map(|s| s.covers)
            .sum();
        if same.saturating_add(party) > max {
            return false;
        }
    }
    if let Some((interval_min, max)) = p.pacing {
        let len = i64::from(interval_min.max(1)) * MIN_MS;
        // Every window [w, w+len) that contains `start`: w in (start-len, start]. The count
        // only changes at a seated start, so those (and the earliest w) are enough.
        let near: Vec<&Seated> = seated
            .iter()
            .filter(|s| s.start_ms > start - len && s.start_ms < start + len)
            .collect();
        let mut windows: Vec<i64> = near
            .iter()
            .map(|s| s.start_ms)
            .filter(|w| *w > start - len && *w <= start)
            .collect();
        windows.push(start - len + 1);
        for w in windows {
            let covers: u32 = near
                .iter()
                .filter(|s| s.start_ms >= w && s.start_ms < w + len)
                .map(|s| s.covers)
                .sum();
            if covers.saturating_add(party) > max {
                return false;
            }
        }
    }
    true
}

/// Every bookable reservation time on `q.date` with its table assignment, sorted by start
/// (then period name).
///
/// For each period active on that weekday: local starts from `start_min` to
/// `last_seating_min` inclusive by the period's step (a time in a spring-forward gap is
/// skipped, a repeated time in a fold gives both instants), lasting the party's turn time, not
/// overlapping a closure, honouring notice, window and pacing, with a table assignment.
pub fn table_availability(q: &TableQuery) -> Result<Vec<TableSlot>, EngineError> {
    if !(1..=MAX_PARTY).contains(&q.party_size) {
        return Err(EngineError::BadPartySize);
    }
    let tables: Vec<Table> = q
        .tables
        .iter()
        .filter(|t| !q.online_only || t.online)
        .cloned()
        .collect();
    let earliest = q
        .now_ms
        .saturating_add(i64::from(q.rules.min_notice_min) * MIN_MS)
        .max(q.now_ms);
    let latest = q
        .now_ms
        .saturating_add(i64::from(q.rules.window_days) * DAY_MS);
    let weekday = q.date.weekday().to_monday_one_offset() as u8;
    let mut out = Vec::new();
    for p in q.periods.iter().filter(|p| p.weekdays.contains(&weekday)) {
        let step = if p.slot_step_min == 0 {
            q.rules.slot_step_min
        } else {
            p.slot_step_min
        };
        if step == 0 || p.last_seating_min >= 1440 || p.start_min > p.last_seating_min {
            return Err(EngineError::BadPeriod(p.name.clone()));
        }
        let minutes = turn_minutes(&p.turn_times, q.party_size)
            .filter(|m| *m > 0)
            .ok_or_else(|| EngineError::BadPeriod(p.name.clone()))?;
        let mut m = u32::from(p.start_min);
        while m <= u32::from(p.last_seating_min) {
            let local = q.date.to_datetime(jiff::civil::Time::constant(
                (m / 60) as i8,
                (m % 60) as i8,
                0,
                0,
            ));
            let instants = match calendar::resolve_local(&q.tz, local) {
                LocalTime::Unique(t) => [Some(t), None],
                LocalTime::Fold { earlier, later } => [Some(earlier), Some(later)],
                LocalTime::Gap { .. } => [None, None],
            };
            for start in instants.into_iter().flatten() {
                let span = Span::new(start, start + i64::from(minutes) * MIN_MS);
                if start < earliest
                    || start >= latest
                    || q.closures.iter().any(|c| c.overlaps(&span))
                    || !pacing_ok(p, &q.seated, start, q.party_size)
                {
                    continue;
                }
                if let Some(assignment) = assign(
                    &tables,
                    &q.combos,
                    q.party_size,
                    &q.requirements,
                    q.area.as_deref(),
                    span,
                ) {
                    out.push(TableSlot {
                        period: p.name.clone(),
                        start_ms: start,
                        end_ms: span.end_ms,
                        local,
                        assignment,
                    });
                }
            }
            m += step;
        }
    }
    out.sort_by(|a, b| (a.start_ms, &a.period).cmp(&(b.start_ms, &b.period)));
    Ok(out)
}
