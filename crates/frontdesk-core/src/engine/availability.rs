//! Availability of a visit (1..=5 services back to back) and verification of one start.
//!
//! How a start is planned (the same code serves [`availability`] and [`plan_at`], so every
//! listed slot can be booked):
//! - Items run back to back: item k+1 starts where item k's service time ends.
//! - Staff are tried in the order of `ServiceSpec::staff` ("anyone" = the first that works),
//!   units in ascending order; rooms/equipment per requirement in listed order, lowest unit
//!   first, never the same unit twice within one item. If a later item cannot be placed, the
//!   next staff option of the earlier item is tried (a staff member's duration override moves
//!   the later items).
//! - Staff are reserved from `start - buffer_before` to `end + buffer_after` except during
//!   `Gap` segments; rooms and equipment for the whole of it.
//! - Blocks are checked against existing [`Busy`] entries and open time with full buffers.
//!   When two items of one visit use the same unit, the turnover buffers between them are not
//!   needed (same client), so the returned blocks are trimmed to touch instead of overlap;
//!   each item keeps its own service time.

use std::collections::{HashMap, HashSet};

use jiff::civil::{Date, DateTime};

use super::calendar::{self, Days, LocalTime, covers, exception_spans, intersect, subtract, union};
use super::{
    Allocation, AvailabilityQuery, Busy, DAY_MS, EngineError, ExceptionKind, ItemPlan, MAX_PARTY,
    MAX_RANGE_DAYS, MAX_VISIT_ITEMS, MIN_MS, Segment, Slot, Span, Unavailable, UnavailableReason,
};

/// Why one placement failed; ordered from least to most informative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fail {
    Hours,
    Taken,
    Full,
}

/// Busy entries of one unit, sorted by start, with the running maximum of their ends.
#[derive(Debug, Default)]
struct UnitBusy<'q> {
    busy: Vec<&'q Busy>,
    max_end: Vec<i64>,
}

impl<'q> UnitBusy<'q> {
    fn new(mut busy: Vec<&'q Busy>) -> Self {
        busy.sort_by_key(|b| (b.span.start_ms, b.span.end_ms));
        let mut m = i64::MIN;
        let max_end = busy
            .iter()
            .map(|b| {
                m = m.max(b.span.end_ms);
                m
            })
            .collect();
        Self { busy, max_end }
    }

    /// Calls `f` for every entry overlapping `span`; stops early when `f` returns false.
    fn overlapping(&self, span: &Span, mut f: impl FnMut(&'q Busy) -> bool) {
        let mut i = self.busy.partition_point(|b| b.span.start_ms < span.end_ms);
        while i > 0 && self.max_end[i - 1] > span.start_ms {
            i -= 1;
            let b = self.busy[i];
            if b.span.end_ms > span.start_ms && b.span.start_ms < b.span.end_ms && !f(b) {
                return;
            }
        }
    }
}

/// A resource prepared for one query: open time and busy lists per unit.
#[derive(Debug)]
struct Res<'q> {
    id: &'q str,
    open: Vec<Span>,
    units: Vec<UnitBusy<'q>>,
}

/// The time layout of one item with one staff option, as offsets from the service start.
#[derive(Debug, Clone)]
struct Layout {
    total_ms: i64,
    /// Staff blocks: buffers and work, without processing gaps.
    staff: Vec<(i64, i64)>,
    /// Rooms and equipment: the whole service with buffers.
    whole: (i64, i64),
}

impl Layout {
    fn new(segments: &[Segment], override_min: Option<u32>, bb_ms: i64, ba_ms: i64) -> Self {
        let mut mins: Vec<(bool, i64)> = segments
            .iter()
            .map(|s| match *s {
                Segment::Work(m) => (true, i64::from(m)),
                Segment::Gap(m) => (false, i64::from(m)),
            })
            .collect();
        if let Some(total) = override_min
            && let Some(last) = mins.iter().rposition(|(w, _)| *w)
        {
            let others: i64 = mins
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != last)
                .map(|(_, (_, m))| *m)
                .sum();
            mins[last].1 = (i64::from(total) - others).max(1);
        }
        let mut staff: Vec<(i64, i64)> = Vec::new();
        let mut push = |a: i64, b: i64| {
            if a >= b {
                return;
            }
            match staff.last_mut() {
                Some(last) if last.1 == a => last.1 = b,
                _ => staff.push((a, b)),
            }
        };
        push(-bb_ms, 0);
        let mut t = 0;
        for (work, m) in &mins {
            let e = t + m * MIN_MS;
            if *work {
                push(t, e);
            }
            t = e;
        }
        push(t, t + ba_ms);
        Self {
            total_ms: t,
            staff,
            whole: (-bb_ms, t + ba_ms),
        }
    }
}

/// One staff option of one item.
#[derive(Debug)]
struct StaffChoice {
    res: usize,
    layout: Layout,
}

/// One visit item prepared for planning.
#[derive(Debug)]
struct Item<'q> {
    service_id: &'q str,
    capacity: u32,
    /// Staff options in preference order (already filtered by the preference); empty when the
    /// service needs no staff.
    staff: Vec<StaffChoice>,
    needs_staff: bool,
    /// Layout without staff override (used when no staff is needed).
    base: Layout,
    reqs: Vec<Vec<usize>>,
    /// No staff resource of this item is also a requirement.
    rooms_independent: bool,
}

/// A query prepared once: open time per resource, sorted busy lists.
#[derive(Debug)]
struct Prepared<'q> {
    q: &'q AvailabilityQuery,
    days: Days,
    loc_open: Vec<Span>,
    res: Vec<Res<'q>>,
    items: Vec<Item<'q>>,
    /// With `same_staff`: the staff resources (indices) that can do every staff item, in order.
    common_staff: Option<Vec<usize>>,
}

/// A planned item before trimming.
#[derive(Debug, Clone)]
struct Placed {
    staff: Option<(usize, u32)>,
    rooms: Vec<(usize, u32)>,
    start: i64,
    layout_idx: Option<usize>,
}

fn validate(q: &AvailabilityQuery) -> Result<(), EngineError> {
    if q.visit.is_empty() {
        return Err(EngineError::EmptyVisit);
    }
    if q.visit.len() > MAX_VISIT_ITEMS {
        return Err(EngineError::TooManyServices);
    }
    if !(1..=MAX_PARTY).contains(&q.party_size) {
        return Err(EngineError::BadPartySize);
    }
    if q.rules.slot_step_min == 0 {
        return Err(EngineError::BadStep);
    }
    calendar::validate_weekly(&q.location_hours.weekly)?;
    for r in &q.resources {
        if r.quantity == 0 {
            return Err(EngineError::BadQuantity(r.id.clone()));
        }
        if let Some(h) = &r.hours {
            calendar::validate_weekly(&h.weekly)?;
        }
    }
    for item in &q.visit {
        let s = &item.service;
        if s.capacity == 0 {
            return Err(EngineError::BadCapacity(s.id.clone()));
        }
        let bad = || EngineError::BadDuration(s.id.clone());
        let work: u64 = s
            .segments
            .iter()
            .map(|g| match g {
                Segment::Work(m) => u64::from(*m),
                Segment::Gap(_) => 0,
            })
            .sum();
        let total: u64 = s
            .segments
            .iter()
            .map(|g| match g {
                Segment::Work(m) | Segment::Gap(m) => u64::from(*m),
            })
            .sum();
        if work == 0 || total > 1440 || s.buffer_before_min > 1440 || s.buffer_after_min > 1440 {
            return Err(bad());
        }
        if s.staff
            .iter()
            .any(|o| o.duration_override_min.is_some_and(|m| m == 0 || m > 1440))
        {
            return Err(bad());
        }
    }
    Ok(())
}

fn validate_range(q: &AvailabilityQuery) -> Result<(), EngineError> {
    if q.to < q.from {
        return Err(EngineError::EndBeforeStart);
    }
    if calendar::days_between(q.from, q.to) + 1 > i64::from(MAX_RANGE_DAYS) {
        return Err(EngineError::RangeTooLong {
            max_days: MAX_RANGE_DAYS,
        });
    }
    Ok(())
}

/// Longest possible visit with buffers, in whole days (rounded up), at least 1.
fn max_visit_days(q: &AvailabilityQuery) -> i64 {
    let mut total = 0i64;
    for item in &q.visit {
        let s = &item.service;
        let base: i64 = s
            .segments
            .iter()
            .map(|g| match g {
                Segment::Work(m) | Segment::Gap(m) => i64::from(*m),
            })
            .sum();
        let longest = s
            .staff
            .iter()
            .filter_map(|o| o.duration_override_min)
            .map(|m| i64::from(m).max(base))
            .fold(base, i64::max);
        total += longest + i64::from(s.buffer_before_min) + i64::from(s.buffer_after_min);
    }
    (total + 1439) / 1440 + 1
}

fn add_days(d: Date, n: i64) -> Result<Date, EngineError> {
    Ok(d.checked_add(jiff::Span::new().days(n))?)
}

impl<'q> Prepared<'q> {
    /// Prepare resources and items for local dates `first..=last`.
    fn new(q: &'q AvailabilityQuery, first: Date, last: Date) -> Result<Self, EngineError> {
        let days = Days::new(&q.tz, first, last)?;
        let loc_weekly = days.weekly_spans(&q.location_hours.weekly);
        let loc_opens = exception_spans(&q.location_hours, ExceptionKind::Open);
        let range = [Span::new(
            days.bound(0, 0),
            days.bound(days.len() - 1, 1440),
        )];
        let loc_open = subtract(
            &union(&loc_weekly, &intersect(&loc_opens, &range)),
            &exception_spans(&q.location_hours, ExceptionKind::Closed),
        );

        let index: HashMap<&str, usize> = q
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let lookup = |id: &str| {
            index
                .get(id)
                .copied()
                .ok_or_else(|| EngineError::UnknownResource(id.to_string()))
        };

        // Only resources the visit can use are prepared.
        let mut slot_of: HashMap<usize, usize> = HashMap::new();
        let mut res: Vec<Res<'q>> = Vec::new();
        let mut prepare = |ri: usize| -> usize {
            *slot_of.entry(ri).or_insert_with(|| {
                let r = &q.resources[ri];
                let open = match &r.hours {
                    // Follows the location: its open time minus the resource's own closures.
                    None => loc_open.clone(),
                    Some(cal) if cal.weekly.is_empty() => {
                        subtract(&loc_open, &exception_spans(cal, ExceptionKind::Closed))
                    }
                    Some(cal) => {
                        let base = intersect(&days.weekly_spans(&cal.weekly), &loc_weekly);
                        let with_extra = union(&base, &exception_spans(cal, ExceptionKind::Open));
                        subtract(
                            &intersect(&with_extra, &loc_open),
                            &exception_spans(cal, ExceptionKind::Closed),
                        )
                    }
                };
                let mut per_unit: Vec<Vec<&'q Busy>> = vec![Vec::new(); r.quantity as usize];
                for b in &r.busy {
                    if let Some(u) = per_unit.get_mut(b.unit as usize) {
                        u.push(b);
                    }
                }
                res.push(Res {
                    id: r.id.as_str(),
                    open,
                    units: per_unit.into_iter().map(UnitBusy::new).collect(),
                });
                res.len() - 1
            })
        };

        let mut items = Vec::with_capacity(q.visit.len());
        for item in &q.visit {
            let s = &item.service;
            let bb = i64::from(s.buffer_before_min) * MIN_MS;
            let ba = i64::from(s.buffer_after_min) * MIN_MS;
            if let Some(p) = &item.staff_pref
                && !s.staff.iter().any(|o| &o.resource_id == p)
            {
                return Err(EngineError::StaffCannotPerform {
                    staff: p.clone(),
                    service: s.id.clone(),
                });
            }
            let mut staff = Vec::new();
            for o in &s.staff {
                let ri = lookup(&o.resource_id)?;
                if item
                    .staff_pref
                    .as_ref()
                    .is_some_and(|p| p != &o.resource_id)
                {
                    continue;
                }
                if staff.iter().any(|c: &StaffChoice| c.res == ri) {
                    continue;
                }
                staff.push(StaffChoice {
                    res: ri,
                    layout: Layout::new(&s.segments, o.duration_override_min, bb, ba),
                });
            }
            let mut reqs = Vec::with_capacity(s.requirements.len());
            for group in &s.requirements {
                let mut g = Vec::with_capacity(group.len());
                for id in group {
                    g.push(lookup(id)?);
                }
                reqs.push(g);
            }
            items.push((item, staff, reqs, Layout::new(&s.segments, None, bb, ba)));
        }

        let common_staff = if q.same_staff {
            let staff_items: Vec<_> = items
                .iter()
                .filter(|(it, ..)| !it.service.staff.is_empty())
                .collect();
            let prefs: HashSet<&String> = staff_items
                .iter()
                .filter_map(|(it, ..)| it.staff_pref.as_ref())
                .collect();
            if prefs.len() > 1 {
                return Err(EngineError::ConflictingStaffPreference);
            }
            let mut common: Vec<usize> = Vec::new();
            if let Some((_, first, ..)) = staff_items.first() {
                for c in first {
                    if staff_items
                        .iter()
                        .all(|(_, st, ..)| st.iter().any(|o| o.res == c.res))
                    {
                        common.push(c.res);
                    }
                }
            }
            Some(common)
        } else {
            None
        };

        // Map resource indices to prepared slots.
        let mut out_items = Vec::with_capacity(items.len());
        for (item, staff, reqs, base) in items {
            let staff: Vec<StaffChoice> = staff
                .into_iter()
                .map(|c| StaffChoice {
                    res: prepare(c.res),
                    layout: c.layout,
                })
                .collect();
            let reqs: Vec<Vec<usize>> = reqs
                .into_iter()
                .map(|g| g.into_iter().map(&mut prepare).collect())
                .collect();
            let rooms_independent = staff
                .iter()
                .all(|c| !reqs.iter().any(|g| g.contains(&c.res)));
            out_items.push(Item {
                rooms_independent,
                service_id: item.service.id.as_str(),
                capacity: item.service.capacity,
                needs_staff: !item.service.staff.is_empty(),
                staff,
                base,
                reqs,
            });
        }
        let common_staff = common_staff.map(|v| v.into_iter().map(&mut prepare).collect());
        Ok(Self {
            q,
            days,
            loc_open,
            res,
            items: out_items,
            common_staff,
        })
    }

    /// Whether resource `r` is open over every block (`start` + offsets).
    fn res_open(&self, r: usize, start: i64, offsets: &[(i64, i64)]) -> bool {
        let open = &self.res[r].open;
        offsets
            .iter()
            .all(|(a, b)| covers(open, &Span::new(start + a, start + b)))
    }

    /// Whether one unit is free for every block (`start` + offsets): no overlapping busy
    /// entry, except seats of the same group session while seats remain.
    fn unit_free(
        &self,
        r: usize,
        unit: u32,
        start: i64,
        offsets: &[(i64, i64)],
        session: Option<(&str, u32)>,
    ) -> Result<(), Fail> {
        let ub = &self.res[r].units[unit as usize];
        let mut taken = 0u32;
        for (a, b) in offsets {
            let s = Span::new(start + a, start + b);
            let mut seats = 0u32;
            let mut conflict = false;
            ub.overlapping(&s, |b| match (session, b.session_key.as_deref()) {
                (Some((key, _)), Some(k)) if k == key => {
                    seats = seats.saturating_add(b.seats);
                    true
                }
                _ => {
                    conflict = true;
                    false
                }
            });
            if conflict {
                return Err(Fail::Taken);
            }
            taken = taken.max(seats);
        }
        if let Some((_, capacity)) = session
            && taken.saturating_add(self.q.party_size) > capacity
        {
            return Err(Fail::Full);
        }
        Ok(())
    }

    /// The first free unit of `r` (lowest first), skipping units for which `exclude` is true.
    fn first_free_unit(
        &self,
        r: usize,
        start: i64,
        offsets: &[(i64, i64)],
        session: Option<(&str, u32)>,
        exclude: impl Fn(u32) -> bool,
        fail: &mut Fail,
    ) -> Option<u32> {
        if !self.res_open(r, start, offsets) {
            *fail = (*fail).max(Fail::Hours);
            return None;
        }
        for unit in 0..self.res[r].units.len() as u32 {
            if exclude(unit) {
                continue;
            }
            match self.unit_free(r, unit, start, offsets, session) {
                Ok(()) => return Some(unit),
                Err(f) => *fail = (*fail).max(f),
            }
        }
        None
    }

    /// Place item `k` at `start`, with staff option `choice` (index into `items[k].staff`).
    /// On failure, also says whether it was the rooms/equipment that failed (after the staff
    /// member was found free).
    fn place_item(
        &self,
        k: usize,
        start: i64,
        choice: Option<usize>,
    ) -> Result<Placed, (Fail, bool)> {
        let item = &self.items[k];
        let layout = match choice {
            Some(c) => &item.staff[c].layout,
            None => &item.base,
        };
        let whole = Span::new(start + layout.whole.0, start + layout.whole.1);
        if !covers(&self.loc_open, &whole) {
            return Err((Fail::Hours, false));
        }
        let key;
        let session = if item.capacity > 1 {
            key = format!("{}@{}", item.service_id, start);
            if self.q.party_size > item.capacity {
                return Err((Fail::Full, false));
            }
            Some((key.as_str(), item.capacity))
        } else {
            None
        };
        let mut fail = Fail::Hours;
        let mut staff = None;
        if let Some(c) = choice {
            let r = item.staff[c].res;
            let unit = self.first_free_unit(r, start, &layout.staff, session, |_| false, &mut fail);
            match unit {
                Some(u) => staff = Some((r, u)),
                None => return Err((fail, false)),
            }
        }
        let whole_offsets = std::slice::from_ref(&layout.whole);
        let mut rooms: Vec<(usize, u32)> = Vec::with_capacity(item.reqs.len());
        for group in &item.reqs {
            let found = group.iter().find_map(|&r| {
                let used = |u: u32| staff == Some((r, u)) || rooms.contains(&(r, u));
                self.first_free_unit(r, start, whole_offsets, session, used, &mut fail)
                    .map(|u| (r, u))
            });
            match found {
                Some(f) => rooms.push(f),
                None => return Err((fail, true)),
            }
        }
        Ok(Placed {
            staff,
            rooms,
            start,
            layout_idx: choice,
        })
    }

    fn layout(&self, k: usize, p: &Placed) -> &Layout {
        match p.layout_idx {
            Some(c) => &self.items[k].staff[c].layout,
            None => &self.items[k].base,
        }
    }

    /// Depth-first placement of items `k..` starting at `start`.
    fn dfs(
        &self,
        k: usize,
        start: i64,
        fixed_staff: Option<usize>,
        placed: &mut Vec<Placed>,
        dead: &mut Vec<(usize, i64)>,
        fail: &mut Fail,
    ) -> bool {
        if k == self.items.len() {
            return true;
        }
        if dead.contains(&(k, start)) {
            return false;
        }
        let item = &self.items[k];
        let range = if !item.needs_staff {
            0..1
        } else {
            match fixed_staff {
                Some(r) => match item.staff.iter().position(|c| c.res == r) {
                    Some(p) => p..p + 1,
                    None => 0..0,
                },
                None => 0..item.staff.len(),
            }
        };
        // Rooms do not depend on who performs the service (unless a staff resource is also a
        // requirement), so a room failure repeats for every option with the same layout.
        let mut rooms_failed: Option<(i64, i64)> = None;
        for i in range {
            let c = item.needs_staff.then_some(i);
            if let (Some(whole), Some(ci)) = (rooms_failed, c)
                && item.rooms_independent
                && item.staff[ci].layout.whole == whole
            {
                continue;
            }
            match self.place_item(k, start, c) {
                Ok(p) => {
                    let end = start + self.layout(k, &p).total_ms;
                    placed.push(p);
                    if self.dfs(k + 1, end, fixed_staff, placed, dead, fail) {
                        return true;
                    }
                    placed.pop();
                }
                Err((f, rooms)) => {
                    *fail = (*fail).max(f);
                    if rooms {
                        rooms_failed = c.map(|ci| item.staff[ci].layout.whole);
                    }
                }
            }
        }
        if k + 1 < self.items.len() {
            dead.push((k, start));
        }
        false
    }

    /// Plan the whole visit at `start`.
    fn plan(&self, start: i64) -> Result<Vec<ItemPlan>, Fail> {
        let mut fail = Fail::Hours;
        let mut placed = Vec::with_capacity(self.items.len());
        // (item, start) pairs known to fail; tiny, so a Vec beats hashing.
        let mut dead = Vec::new();
        let ok = match &self.common_staff {
            Some(common) if self.items.iter().any(|i| i.needs_staff) => common.iter().any(|&r| {
                dead.clear();
                placed.clear();
                self.dfs(0, start, Some(r), &mut placed, &mut dead, &mut fail)
            }),
            _ => self.dfs(0, start, None, &mut placed, &mut dead, &mut fail),
        };
        if ok {
            Ok(self.finish(&placed))
        } else {
            Err(fail)
        }
    }

    /// Turn placements into item plans with allocations; trim buffers between items that
    /// share a unit.
    fn finish(&self, placed: &[Placed]) -> Vec<ItemPlan> {
        let party = self.q.party_size;
        let mut plans: Vec<ItemPlan> = Vec::with_capacity(placed.len());
        for (k, p) in placed.iter().enumerate() {
            let item = &self.items[k];
            let layout = self.layout(k, p);
            let group = item.capacity > 1;
            let session_key = group.then(|| format!("{}@{}", item.service_id, p.start));
            let seats = if group { party } else { 1 };
            let mut blocks = Vec::new();
            if let Some((r, unit)) = p.staff {
                for (a, b) in &layout.staff {
                    blocks.push(Allocation {
                        resource_id: self.res[r].id.to_string(),
                        unit,
                        span: Span::new(p.start + a, p.start + b),
                        session_key: session_key.clone(),
                        seats,
                    });
                }
            }
            for &(r, unit) in &p.rooms {
                blocks.push(Allocation {
                    resource_id: self.res[r].id.to_string(),
                    unit,
                    span: Span::new(p.start + layout.whole.0, p.start + layout.whole.1),
                    session_key: session_key.clone(),
                    seats,
                });
            }
            plans.push(ItemPlan {
                service_id: item.service_id.to_string(),
                staff: p.staff.map(|(r, _)| self.res[r].id.to_string()),
                resources: p
                    .rooms
                    .iter()
                    .map(|&(r, u)| (self.res[r].id.to_string(), u))
                    .collect(),
                start_ms: p.start,
                end_ms: p.start + layout.total_ms,
                blocks,
            });
        }
        trim_between_items(&mut plans);
        plans
    }
}

/// Where two items of one visit use the same unit, drop the turnover buffers between them so
/// the allocations touch instead of overlap. Service time is never cut.
fn trim_between_items(plans: &mut [ItemPlan]) {
    for k in 1..plans.len() {
        let (before, rest) = plans.split_at_mut(k);
        let later = &mut rest[0];
        let s_later = later.start_ms;
        let mut keys: Vec<(String, u32)> = later
            .blocks
            .iter()
            .map(|b| (b.resource_id.clone(), b.unit))
            .collect();
        keys.dedup();
        for (rid, unit) in keys {
            let Some(j) = (0..k).rev().find(|&j| {
                before[j]
                    .blocks
                    .iter()
                    .any(|b| b.resource_id == rid && b.unit == unit)
            }) else {
                continue;
            };
            let e_work = before[j].end_ms;
            let Some(eb) = before[j]
                .blocks
                .iter_mut()
                .filter(|b| b.resource_id == rid && b.unit == unit)
                .max_by_key(|b| b.span.end_ms)
            else {
                continue;
            };
            let Some(lb) = later
                .blocks
                .iter_mut()
                .filter(|b| b.resource_id == rid && b.unit == unit)
                .min_by_key(|b| b.span.start_ms)
            else {
                continue;
            };
            let new_end = eb
                .span
                .end_ms
                .min(lb.span.start_ms)
                .max(e_work.min(eb.span.end_ms));
            eb.span.end_ms = new_end.max(eb.span.start_ms);
            lb.span.start_ms = lb
                .span
                .start_ms
                .max(eb.span.end_ms)
                .min(s_later.max(lb.span.start_ms));
        }
        later.blocks.retain(|b| b.span.start_ms < b.span.end_ms);
        for p in before.iter_mut() {
            p.blocks.retain(|b| b.span.start_ms < b.span.end_ms);
        }
    }
}

fn local_of(days: &Days, day: usize, minute: u32) -> DateTime {
    days.date(day).to_datetime(jiff::civil::Time::constant(
        (minute / 60) as i8,
        (minute % 60) as i8,
        0,
        0,
    ))
}

fn slot_from(local: DateTime, start: i64, items: Vec<ItemPlan>) -> Slot {
    let offset_seconds = ((calendar::naive_ms(local) - start) / 1000) as i32;
    let end_ms = items.last().map_or(start, |i| i.end_ms);
    Slot {
        start_ms: start,
        end_ms,
        local,
        offset_seconds,
        items,
    }
}

/// Every bookable start of the visit on local dates `from..=to`, sorted by `start_ms`.
///
/// Candidates are local wall-clock times: for each local date and each open interval of the
/// location that day, the interval start and every `slot_step_min` after it. A local time in a
/// spring-forward gap gives no candidate; one in an autumn fold gives both instants. A
/// candidate is kept when it honours notice and window and the whole visit can be planned
/// (see the module documentation).
pub fn availability(q: &AvailabilityQuery) -> Result<Vec<Slot>, EngineError> {
    validate(q)?;
    validate_range(q)?;
    let first = add_days(q.from, -1)?;
    let last = add_days(q.to, max_visit_days(q))?;
    let p = Prepared::new(q, first, last)?;
    let earliest = q
        .now_ms
        .saturating_add(i64::from(q.rules.min_notice_min) * MIN_MS)
        .max(q.now_ms);
    let latest = q
        .now_ms
        .saturating_add(i64::from(q.rules.window_days) * DAY_MS);
    let step = q.rules.slot_step_min;
    let mut slots = Vec::new();
    let (Some(d0), Some(d1)) = (p.days.index_of(q.from), p.days.index_of(q.to)) else {
        return Ok(slots);
    };
    for day in d0..=d1 {
        let day_span = [Span::new(p.days.bound(day, 0), p.days.bound(day, 1440))];
        if day_span[0].end_ms <= earliest || day_span[0].start_ms >= latest {
            continue;
        }
        for iv in intersect(&p.loc_open, &day_span) {
            let first_min = first_minute(&p.days, day, iv.start_ms);
            let mut m = first_min;
            while m < 1440 {
                let lt = p.days.resolve(day, m);
                if lt.bound() >= iv.end_ms {
                    break;
                }
                let instants = match lt {
                    LocalTime::Unique(t) => [Some(t), None],
                    LocalTime::Fold { earlier, later } => [Some(earlier), Some(later)],
                    LocalTime::Gap { .. } => [None, None],
                };
                for t in instants.into_iter().flatten() {
                    if t < iv.start_ms || t >= iv.end_ms || t < earliest || t >= latest {
                        continue;
                    }
                    if let Ok(items) = p.plan(t) {
                        slots.push(slot_from(local_of(&p.days, day, m), t, items));
                    }
                }
                m += step;
            }
        }
    }
    slots.sort_by_key(|s| s.start_ms);
    slots.dedup_by_key(|s| s.start_ms);
    Ok(slots)
}

/// The local minute of day at which the grid of an open interval starting at `start_ms`
/// begins (rounded up to a whole minute).
fn first_minute(days: &Days, day: usize, start_ms: i64) -> u32 {
    let Ok(ts) = jiff::Timestamp::from_millisecond(start_ms) else {
        return 0;
    };
    let dt = days.local_datetime(ts);
    let naive = calendar::naive_ms(dt) - days.naive0(day);
    let m = naive.div_euclid(MIN_MS) + i64::from(naive.rem_euclid(MIN_MS) != 0);
    m.clamp(0, 1440) as u32
}

/// Verify one exact start and return its plan: the concrete staff, rooms and units.
///
/// The start need not lie on the slot grid (staff may book off-grid times); the date range of
/// the query is ignored, notice and window are not.
pub fn plan_at(q: &AvailabilityQuery, start_ms: i64) -> Result<Slot, Unavailable> {
    validate(q)?;
    let earliest = q
        .now_ms
        .saturating_add(i64::from(q.rules.min_notice_min) * MIN_MS)
        .max(q.now_ms);
    if start_ms < earliest {
        return Err(Unavailable::new(
            UnavailableReason::TooSoon,
            format!(
                "bookings need at least {} minutes' notice",
                q.rules.min_notice_min
            ),
        ));
    }
    if start_ms
        >= q.now_ms
            .saturating_add(i64::from(q.rules.window_days) * DAY_MS)
    {
        return Err(Unavailable::new(
            UnavailableReason::BeyondWindow,
            format!("bookings open at most {} days ahead", q.rules.window_days),
        ));
    }
    let ts = jiff::Timestamp::from_millisecond(start_ms).map_err(EngineError::from)?;
    let local = q.tz.to_datetime(ts);
    let first = add_days(local.date(), -1)?;
    let last = add_days(local.date(), max_visit_days(q))?;
    let p = Prepared::new(q, first, last)?;
    if !covers(&p.loc_open, &Span::new(start_ms, start_ms + 1)) {
        return Err(Unavailable::new(
            UnavailableReason::OutsideHours,
            format!("the location is closed at {local}"),
        ));
    }
    match p.plan(start_ms) {
        Ok(items) => Ok(slot_from(local, start_ms, items)),
        Err(Fail::Hours) => Err(Unavailable::new(
            UnavailableReason::OutsideHours,
            format!("the visit at {local} does not fit in the opening hours of the staff or rooms"),
        )),
        Err(Fail::Taken) => Err(Unavailable::new(
            UnavailableReason::Taken,
            format!("the time at {local} is already taken"),
        )),
        Err(Fail::Full) => Err(Unavailable::new(
            UnavailableReason::SessionFull,
            format!(
                "the session at {local} has no room for {} more",
                q.party_size
            ),
        )),
    }
}

/// Like [`plan_at`] for a local wall-clock start: a time in a spring-forward gap is refused
/// with `InDstGap`; a repeated time in an autumn fold tries the earlier instant, then the
/// later.
pub fn plan_at_local(q: &AvailabilityQuery, local: DateTime) -> Result<Slot, Unavailable> {
    match calendar::resolve_local(&q.tz, local) {
        LocalTime::Unique(t) => plan_at(q, t),
        LocalTime::Fold { earlier, later } => plan_at(q, earlier).or_else(|_| plan_at(q, later)),
        LocalTime::Gap { .. } => Err(Unavailable::new(
            UnavailableReason::InDstGap,
            format!(
                "{local} does not exist in {} (clocks go forward)",
                q.tz.iana_name().unwrap_or("this time zone")
            ),
        )),
    }
}
