//! What the front-desk screens (calendar, bookings, floor, clients, waitlist) share: which
//! location is shown, local dates and times in its zone, catalogue look-ups by id, and the
//! CSP-safe grid placement classes.
//!
//! Placement without inline styles: the stylesheet carries generated classes `r-1`…`r-97`
//! (`grid-row-start`), `s-1`…`s-96` (`grid-row-end: span n`) for the 15-minute rows of the
//! calendar, and `fx-0`…`fx-19` / `fy-0`…`fy-19` for the 20 × 20 floor plan. Handlers compute
//! the numbers; templates only print class names.

use std::collections::HashMap;

use frontdesk_app::{AppError, Ctx};
use frontdesk_core::{CustomerId, LocationId, ResourceId, ServiceId};
use frontdesk_store::{Customer, Location, Resource, Service, StoreError};
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::page::{Layout, OrPage, PageError};
use crate::AppState;

/// Minutes per calendar row.
pub const ROW_MIN: i64 = 15;

/// A store read's failure as the error page.
pub fn sp<T>(r: Result<T, StoreError>, layout: &Layout) -> Result<T, PageError> {
    r.map_err(AppError::from).or_page(layout)
}

/// The location a screen shows, with its zone and the others to switch to.
pub struct Place {
    /// The location shown.
    pub loc: Location,
    /// Its time zone.
    pub tz: TimeZone,
    /// Every location of the business (the picker shows when there are several).
    pub all: Vec<Location>,
}

impl Place {
    /// The location from a query value (its id), or the business's first; another business's
    /// id, or one that does not parse, is the 404 page.
    pub async fn pick(
        state: &AppState,
        ctx: &Ctx,
        layout: &Layout,
        id: &str,
    ) -> Result<Place, PageError> {
        let all = state.app.locations(ctx).await.or_page(layout)?;
        let id = id.trim();
        let loc = if id.is_empty() {
            all.first()
                .cloned()
                .ok_or(AppError::NotFound)
                .or_page(layout)?
        } else {
            let id: LocationId = id.parse().map_err(|_| AppError::NotFound).or_page(layout)?;
            state.app.location(ctx, id).await.or_page(layout)?
        };
        let tz = TimeZone::get(&loc.time_zone).unwrap_or(TimeZone::UTC);
        Ok(Place { loc, tz, all })
    }

    /// Today in the location's zone.
    pub fn today(&self, state: &AppState) -> Date {
        local_date(state.app.now_ms(), &self.tz)
    }

    /// A `YYYY-MM-DD` from the query, or today.
    pub fn date_or_today(&self, state: &AppState, s: &str) -> Date {
        s.trim()
            .parse::<Date>()
            .unwrap_or_else(|_| self.today(state))
    }

    /// `[start, end)` of a local day in epoch ms.
    pub fn day_bounds(&self, d: Date) -> (i64, i64) {
        let start = ms_of(d, &self.tz);
        let end = d
            .tomorrow()
            .map(|t| ms_of(t, &self.tz))
            .unwrap_or(start + 86_400_000);
        (start, end)
    }

    /// `HH:MM` of an instant in the location's zone.
    pub fn hm(&self, ms: i64) -> String {
        hm(ms, &self.tz)
    }

    /// Minutes since local midnight of `d` (0 before that day, 1440 after it).
    pub fn minute_of_day(&self, ms: i64, d: Date) -> i64 {
        let z = match jiff::Timestamp::from_millisecond(ms) {
            Ok(t) => t.to_zoned(self.tz.clone()),
            Err(_) => return 0,
        };
        match z.date().cmp(&d) {
            std::cmp::Ordering::Less => 0,
            std::cmp::Ordering::Greater => 1440,
            std::cmp::Ordering::Equal => i64::from(z.hour()) * 60 + i64::from(z.minute()),
        }
    }

    /// The other locations, for the picker: `(id, name, selected)`.
    pub fn choices(&self) -> Vec<(String, String, bool)> {
        self.all
            .iter()
            .map(|l| (l.id.to_string(), l.name.clone(), l.id == self.loc.id))
            .collect()
    }
}

fn ms_of(d: Date, tz: &TimeZone) -> i64 {
    d.to_zoned(tz.clone())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(0)
}

/// The local date of an instant.
pub fn local_date(ms: i64, tz: &TimeZone) -> Date {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_zoned(tz.clone()).date())
        .unwrap_or_default()
}

/// `HH:MM` of an instant in a zone.
pub fn hm(ms: i64, tz: &TimeZone) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_zoned(tz.clone()).strftime("%H:%M").to_string())
        .unwrap_or_default()
}

/// `Tue 24 Nov 2026, 10:00` of an instant in a zone.
pub fn local_when(ms: i64, tz: &TimeZone) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(tz.clone())
                .strftime("%a %-d %b %Y, %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// `Tuesday 24 November 2026`.
pub fn long_date(d: Date) -> String {
    d.strftime("%A %-d %B %Y").to_string()
}

/// `HH:MM` of minutes since midnight.
pub fn hm_of_min(m: i64) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Human words for a status (`checked_in` → `checked in`).
pub fn status_label(s: &str) -> String {
    match s {
        "no_show" => "no-show".into(),
        other => other.replace('_', " "),
    }
}

/// Catalogue rows of a location by id, and customers fetched once each.
pub struct Names {
    /// Resources by id.
    pub resources: HashMap<ResourceId, Resource>,
    /// Services by id.
    pub services: HashMap<ServiceId, Service>,
    /// Customers by id.
    pub customers: HashMap<CustomerId, Customer>,
}

impl Names {
    /// Resources and services of a location.
    pub async fn of(
        state: &AppState,
        ctx: &Ctx,
        layout: &Layout,
        loc: LocationId,
    ) -> Result<Names, PageError> {
        let t = state.app.store.tenant(ctx.tenant);
        let resources = sp(t.resources(loc, None).await, layout)?;
        let services = sp(t.services(loc).await, layout)?;
        Ok(Names {
            resources: resources.into_iter().map(|r| (r.id, r)).collect(),
            services: services.into_iter().map(|s| (s.id, s)).collect(),
            customers: HashMap::new(),
        })
    }

    /// Loads the customers not loaded yet.
    pub async fn load_customers(
        &mut self,
        state: &AppState,
        ctx: &Ctx,
        layout: &Layout,
        ids: Vec<CustomerId>,
    ) -> Result<(), PageError> {
        let t = state.app.store.tenant(ctx.tenant);
        for id in ids {
            if self.customers.contains_key(&id) {
                continue;
            }
            if let Some(c) = sp(t.customer(id).await, layout)? {
                self.customers.insert(id, c);
            }
        }
        Ok(())
    }

    /// A customer's name, or "Walk-in" without one.
    pub fn customer(&self, id: Option<CustomerId>) -> String {
        id.and_then(|i| self.customers.get(&i))
            .map(|c| c.name.clone())
            .unwrap_or_else(|| "Walk-in".into())
    }

    /// A resource's name.
    pub fn resource(&self, id: ResourceId) -> String {
        self.resources
            .get(&id)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    /// A service's name.
    pub fn service(&self, id: Option<ServiceId>) -> String {
        match id {
            Some(i) => self
                .services
                .get(&i)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| i.to_string()),
            None => "Table".into(),
        }
    }

    /// Whether the location has restaurant tables.
    pub fn has_tables(&self) -> bool {
        self.resources
            .values()
            .any(|r| r.kind == "table" && r.active)
    }

    /// Active resources of some kinds, in display order.
    pub fn of_kinds(&self, kinds: &[&str]) -> Vec<&Resource> {
        let mut v: Vec<&Resource> = self
            .resources
            .values()
            .filter(|r| r.active && kinds.contains(&r.kind.as_str()))
            .collect();
        v.sort_by(|a, b| (a.sort_order, &a.name).cmp(&(b.sort_order, &b.name)));
        v
    }
}

/// Query-string building for links: `key=value` pairs, percent-encoded.
pub fn qs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::page::pct_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of the first pair named `k` in a parsed form or query.
pub fn get<'a>(pairs: &'a [(String, String)], k: &str) -> &'a str {
    pairs
        .iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// Every value of pairs named `k`.
pub fn get_all(pairs: &[(String, String)], k: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(n, _)| n == k)
        .map(|(_, v)| v.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_encode_and_skip_empty() {
        assert_eq!(qs(&[("a", "x y"), ("b", ""), ("c", "1")]), "a=x%20y&c=1");
        assert_eq!(hm_of_min(9 * 60 + 5), "09:05");
        assert_eq!(status_label("checked_in"), "checked in");
    }
}
