//! Bookings, the resources they hold, their history and the waitlist.
//!
//! No double booking (promise B2) is enforced by the database: every booking holds its resources as
//! rows of `allocations`, and two allocations of the same resource unit may not overlap in time
//! unless they share a group session. PostgreSQL refuses an overlap with an exclusion constraint
//! (btree_gist); SQLite with a trigger, and with its single writer (`BEGIN IMMEDIATE`) the check
//! and the insert cannot be raced. The store also checks before inserting so that a conflict is a
//! clean [`StoreError::Conflict`]`("slot_taken")` on both backends.

use frontdesk_core::*;

use crate::db::{Store, StoreError, StoreResult, map_err};
use crate::tenant::{TenantRead, TenantWrite};

/// Booking statuses that hold their resources.
pub const LIVE_STATUSES: &[&str] = &[
    "held",
    "pending",
    "confirmed",
    "checked_in",
    "completed",
    "no_show",
];

/// A booking (appointment or reservation) as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct Booking {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: BookingId,
    /// Where.
    pub location_id: LocationId,
    /// Who (absent for anonymous walk-ins).
    pub customer_id: Option<CustomerId>,
    /// `appointment` or `reservation`.
    pub kind: String,
    /// held, pending, confirmed, checked_in, completed, cancelled, no_show, expired.
    pub status: String,
    /// web, chat, manual, staff, walk_in, channel, api.
    pub source: String,
    /// Start (UTC epoch ms), without buffers.
    pub starts_at_ms: i64,
    /// End (UTC epoch ms), without buffers.
    pub ends_at_ms: i64,
    /// The location's IANA zone when the booking was made.
    pub time_zone: String,
    /// Guests or seats.
    pub party_size: i64,
    /// Free-text notes.
    pub notes: String,
    /// Requirements as a JSON array of strings.
    pub requirements: String,
    /// Why these tables/resources (table assignment explanation).
    pub explanation: Option<String>,
    /// A hold is released at this instant unless confirmed.
    pub hold_expires_at_ms: Option<i64>,
    /// Recurring series this occurrence belongs to.
    pub series_id: Option<SeriesId>,
    /// Client-chosen idempotency key (promise B6).
    pub idempotency_key: Option<String>,
    /// SHA-256 of the request that used the key.
    pub request_hash: Option<String>,
    /// Salted hash of the customer's manage-booking token (promise B5).
    pub manage_token_hash: Option<String>,
    /// The user who made it, when staff did.
    pub created_by: Option<UserId>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// Created.
    pub created_at_ms: i64,
    /// Last changed.
    pub updated_at_ms: i64,
}

/// One service (or the table reservation) within a booking.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct BookingItem {
    /// The booking.
    pub booking_id: BookingId,
    /// Order within the visit, from 0.
    pub position: i64,
    /// The service (none for a table reservation).
    pub service_id: Option<ServiceId>,
    /// The staff member who performs it.
    pub staff_id: Option<ResourceId>,
    /// Start.
    pub starts_at_ms: i64,
    /// End.
    pub ends_at_ms: i64,
    /// Price charged, in minor units.
    pub price_minor: Option<i64>,
    /// ISO 4217 currency of the price.
    pub currency: Option<String>,
}

/// A resource unit held by a booking for a span of time (buffers included).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct Allocation {
    /// The booking holding it.
    pub booking_id: BookingId,
    /// The resource.
    pub resource_id: ResourceId,
    /// Which unit of a resource with a quantity (0 for most).
    pub unit: i64,
    /// Start, buffers included.
    pub starts_at_ms: i64,
    /// End, buffers included.
    pub ends_at_ms: i64,
    /// Allocations overlap only when they share this key (a group session); otherwise it is the
    /// booking id.
    pub session_key: String,
    /// Seats taken in a group session (party size), 1 otherwise.
    pub seats: i64,
}

/// A status change of a booking.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct BookingEvent {
    /// Id.
    pub id: BookingEventId,
    /// The booking.
    pub booking_id: BookingId,
    /// When.
    pub at_ms: i64,
    /// Who: a user id, `customer`, `system`, or an API key label.
    pub actor: String,
    /// Before (none at creation).
    pub from_status: Option<String>,
    /// After.
    pub to_status: String,
    /// What happened, in a few words.
    pub note: String,
}

/// A waitlist entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct WaitlistEntry {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: WaitlistId,
    /// Where.
    pub location_id: LocationId,
    /// Who.
    pub customer_id: CustomerId,
    /// For which service (none: a table).
    pub service_id: Option<ServiceId>,
    /// With whom, if the customer asked for someone.
    pub staff_id: Option<ResourceId>,
    /// Guests.
    pub party_size: i64,
    /// Earliest acceptable start.
    pub window_start_ms: i64,
    /// Latest acceptable end.
    pub window_end_ms: i64,
    /// waiting, offered, booked, cancelled, expired.
    pub status: String,
    /// The start offered when a slot freed up.
    pub offered_start_ms: Option<i64>,
    /// When the offer was made.
    pub offered_at_ms: Option<i64>,
    /// Notes.
    pub notes: String,
    /// Created.
    pub created_at_ms: i64,
    /// Last changed.
    pub updated_at_ms: i64,
}

/// A booking to insert with its items and allocations.
#[derive(Debug, Clone)]
pub struct NewBooking {
    /// The booking row.
    pub booking: Booking,
    /// Its services (or the reservation).
    pub items: Vec<BookingItem>,
    /// The resources it holds.
    pub allocations: Vec<Allocation>,
    /// Capacity of each group session it joins: `(resource, session_key, capacity)`.
    pub sessions: Vec<(ResourceId, String, i64)>,
    /// Who made it, for the history.
    pub actor: String,
}

/// Which bookings to list.
#[derive(Debug, Clone, Default)]
pub struct BookingFilter {
    /// One location.
    pub location: Option<LocationId>,
    /// Starting at or after.
    pub from_ms: Option<i64>,
    /// Starting before.
    pub to_ms: Option<i64>,
    /// One status.
    pub status: Option<String>,
    /// One customer.
    pub customer: Option<CustomerId>,
    /// Holding this resource.
    pub resource: Option<ResourceId>,
    /// At most this many (default 200, max 1000).
    pub limit: Option<i64>,
}

const BOOKING_COLS: &str = "tenant_id, id, location_id, customer_id, kind, status, source, starts_at_ms, ends_at_ms, time_zone, party_size, notes, requirements, explanation, hold_expires_at_ms, series_id, idempotency_key, request_hash, manage_token_hash, created_by, cancel_reason, created_at_ms, updated_at_ms";
const WAITLIST_COLS: &str = "tenant_id, id, location_id, customer_id, service_id, staff_id, party_size, window_start_ms, window_end_ms, status, offered_start_ms, offered_at_ms, notes, created_at_ms, updated_at_ms";

fn live_status_sql(alias: &str) -> String {
    let list = LIVE_STATUSES
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("{alias}status IN ({list})")
}

impl TenantRead<'_> {
    /// One booking.
    pub async fn booking(&self, id: BookingId) -> StoreResult<Option<Booking>> {
        let sql = format!("SELECT {BOOKING_COLS} FROM bookings WHERE tenant_id = $1 AND id = $2");
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// The booking that used an idempotency key.
    pub async fn booking_by_idempotency_key(&self, key: &str) -> StoreResult<Option<Booking>> {
        let sql = format!(
            "SELECT {BOOKING_COLS} FROM bookings WHERE tenant_id = $1 AND idempotency_key = $2"
        );
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .bind(key)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// Bookings matching a filter, by start time.
    pub async fn bookings(&self, f: &BookingFilter) -> StoreResult<Vec<Booking>> {
        let mut sql = format!("SELECT {BOOKING_COLS} FROM bookings b WHERE b.tenant_id = $1");
        let mut n = 1;
        let mut next = || {
            n += 1;
            n
        };
        let loc = f.location.map(|_| next());
        let from = f.from_ms.map(|_| next());
        let to = f.to_ms.map(|_| next());
        let status = f.status.as_ref().map(|_| next());
        let customer = f.customer.map(|_| next());
        let resource = f.resource.map(|_| next());
        let limit = next();
        if let Some(i) = loc {
            sql += &format!(" AND b.location_id = ${i}");
        }
        if let Some(i) = from {
            sql += &format!(" AND b.starts_at_ms >= ${i}");
        }
        if let Some(i) = to {
            sql += &format!(" AND b.starts_at_ms < ${i}");
        }
        if let Some(i) = status {
            sql += &format!(" AND b.status = ${i}");
        }
        if let Some(i) = customer {
            sql += &format!(" AND b.customer_id = ${i}");
        }
        if let Some(i) = resource {
            sql += &format!(
                " AND (EXISTS (SELECT 1 FROM allocations a WHERE a.tenant_id = b.tenant_id AND a.booking_id = b.id AND a.resource_id = ${i})
                   OR EXISTS (SELECT 1 FROM booking_items i WHERE i.tenant_id = b.tenant_id AND i.booking_id = b.id AND i.staff_id = ${i}))"
            );
        }
        sql += &format!(" ORDER BY b.starts_at_ms, b.id LIMIT ${limit}");
        let lim = f.limit.unwrap_or(200).clamp(1, 1000);
        on_pool!(&self.store.db, |p| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(self.tenant);
            if let Some(v) = f.location {
                q = q.bind(v);
            }
            if let Some(v) = f.from_ms {
                q = q.bind(v);
            }
            if let Some(v) = f.to_ms {
                q = q.bind(v);
            }
            if let Some(v) = &f.status {
                q = q.bind(v.clone());
            }
            if let Some(v) = f.customer {
                q = q.bind(v);
            }
            if let Some(v) = f.resource {
                q = q.bind(v);
            }
            q.bind(lim).fetch_all(p).await.map_err(map_err)
        })
    }

    /// The items of a booking, in order.
    pub async fn booking_items(&self, id: BookingId) -> StoreResult<Vec<BookingItem>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT booking_id, position, service_id, staff_id, starts_at_ms, ends_at_ms, price_minor, currency
             FROM booking_items WHERE tenant_id = $1 AND booking_id = $2 ORDER BY position"
        )
        .bind(self.tenant)
        .bind(id)
        .fetch_all(p)
        .await
        .map_err(map_err)
        })
    }

    /// The items of many bookings (for lists and calendars), in one query.
    pub async fn items_between(
        &self,
        location: LocationId,
        from_ms: i64,
        to_ms: i64,
    ) -> StoreResult<Vec<BookingItem>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT i.booking_id, i.position, i.service_id, i.staff_id, i.starts_at_ms, i.ends_at_ms, i.price_minor, i.currency
             FROM booking_items i JOIN bookings b ON b.tenant_id = i.tenant_id AND b.id = i.booking_id
             WHERE i.tenant_id = $1 AND b.location_id = $2 AND b.starts_at_ms < $4 AND b.ends_at_ms > $3
             ORDER BY i.booking_id, i.position"
        )
        .bind(self.tenant)
        .bind(location)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(p)
        .await
        .map_err(map_err)
        })
    }

    /// The resources a booking holds.
    pub async fn booking_allocations(&self, id: BookingId) -> StoreResult<Vec<Allocation>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT booking_id, resource_id, unit, starts_at_ms, ends_at_ms, session_key, seats
             FROM allocations WHERE tenant_id = $1 AND booking_id = $2 ORDER BY starts_at_ms, resource_id, unit"
        )
        .bind(self.tenant)
        .bind(id)
        .fetch_all(p)
        .await
        .map_err(map_err)
        })
    }

    /// The booking and salted secret hash of a manage-booking link.
    pub async fn manage_link(&self, id: ManageLinkId) -> StoreResult<Option<(BookingId, String)>> {
        on_pool!(&self.store.db, |p| sqlx::query_as(
            "SELECT booking_id, secret_hash FROM manage_links WHERE tenant_id = $1 AND id = $2"
        )
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// Every allocation at a location overlapping `[from, to)` that still holds its resource:
    /// live bookings, and holds that have not expired at `now` (one date-bounded query: the input
    /// of the availability engine).
    pub async fn busy_between(
        &self,
        location: LocationId,
        from_ms: i64,
        to_ms: i64,
        now: i64,
    ) -> StoreResult<Vec<Allocation>> {
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            format!(
                "SELECT booking_id, resource_id, unit, starts_at_ms, ends_at_ms, session_key, seats
             FROM allocations
             WHERE tenant_id = $1 AND location_id = $2 AND starts_at_ms > $3 - {MAX_ALLOCATION_MS}
               AND starts_at_ms < $4 AND ends_at_ms > $3
               AND (hold_expires_at_ms IS NULL OR hold_expires_at_ms > $5)"
            )
        ))
        .bind(self.tenant)
        .bind(location)
        .bind(from_ms)
        .bind(to_ms)
        .bind(now)
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// Like [`busy_between`](Self::busy_between), for some resources only (a booking needs to
    /// know only about the staff, rooms and equipment it could use).
    pub async fn busy_of(
        &self,
        location: LocationId,
        resources: &[ResourceId],
        from_ms: i64,
        to_ms: i64,
        now: i64,
    ) -> StoreResult<Vec<Allocation>> {
        if resources.is_empty() {
            return Ok(Vec::new());
        }
        let list = (0..resources.len())
            .map(|i| format!("${}", i + 6))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT booking_id, resource_id, unit, starts_at_ms, ends_at_ms, session_key, seats
             FROM allocations
             WHERE tenant_id = $1 AND resource_id IN ({list}) AND starts_at_ms > $3 - {MAX_ALLOCATION_MS}
               AND starts_at_ms < $4 AND ends_at_ms > $3 AND location_id = $2
               AND (hold_expires_at_ms IS NULL OR hold_expires_at_ms > $5)"
        );
        on_pool!(&self.store.db, |p| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(self.tenant)
                .bind(location)
                .bind(from_ms)
                .bind(to_ms)
                .bind(now);
            for r in resources {
                q = q.bind(*r);
            }
            q.fetch_all(p).await.map_err(map_err)
        })
    }

    /// Starts and party sizes of live reservations at a location in `[from, to)`, for pacing.
    pub async fn reservation_starts(
        &self,
        location: LocationId,
        from_ms: i64,
        to_ms: i64,
        now: i64,
    ) -> StoreResult<Vec<(BookingId, i64, i64)>> {
        let sql = format!(
            "SELECT b.id, b.starts_at_ms, b.party_size FROM bookings b
             WHERE b.tenant_id = $1 AND b.location_id = $2 AND b.kind = 'reservation'
               AND b.starts_at_ms < $4 AND b.ends_at_ms > $3
               AND {} AND b.status <> 'no_show' AND (b.status <> 'held' OR b.hold_expires_at_ms > $5)
             ORDER BY b.starts_at_ms",
            live_status_sql("b.")
        );
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .bind(location)
        .bind(from_ms)
        .bind(to_ms)
        .bind(now)
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// Every service/staff link of a location's services (one query for availability).
    pub async fn service_staff_at(
        &self,
        location: LocationId,
    ) -> StoreResult<Vec<crate::ServiceStaff>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT x.service_id, x.resource_id, x.duration_min, x.price_minor
             FROM service_staff x JOIN services s ON s.tenant_id = x.tenant_id AND s.id = x.service_id
             WHERE x.tenant_id = $1 AND s.location_id = $2 ORDER BY x.service_id, x.resource_id"
        )
        .bind(self.tenant)
        .bind(location)
        .fetch_all(p)
        .await
        .map_err(map_err)
        })
    }

    /// Every room/equipment requirement of a location's services (one query for availability).
    pub async fn service_requirements_at(
        &self,
        location: LocationId,
    ) -> StoreResult<Vec<crate::ServiceRequirement>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT x.service_id, x.group_no, x.resource_id
             FROM service_requirements x JOIN services s ON s.tenant_id = x.tenant_id AND s.id = x.service_id
             WHERE x.tenant_id = $1 AND s.location_id = $2 ORDER BY x.service_id, x.group_no, x.resource_id"
        )
        .bind(self.tenant)
        .bind(location)
        .fetch_all(p)
        .await
        .map_err(map_err)
        })
    }

    /// Whether a customer has a live or completed booking of a service starting before an
    /// instant (prerequisites such as a consultation or a patch test).
    pub async fn customer_had_service(
        &self,
        customer: CustomerId,
        service: ServiceId,
        before_ms: i64,
    ) -> StoreResult<bool> {
        let hit: Option<(i64,)> = on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT CAST(1 AS BIGINT) FROM booking_items i JOIN bookings b ON b.tenant_id = i.tenant_id AND b.id = i.booking_id
             WHERE i.tenant_id = $1 AND b.customer_id = $2 AND i.service_id = $3 AND i.starts_at_ms < $4
               AND b.status IN ('pending', 'confirmed', 'checked_in', 'completed') LIMIT 1"
        )
        .bind(self.tenant)
        .bind(customer)
        .bind(service)
        .bind(before_ms)
        .fetch_optional(p)
        .await
        .map_err(map_err)
        })?;
        Ok(hit.is_some())
    }

    /// Status history of a booking, oldest first.
    pub async fn booking_events(&self, id: BookingId) -> StoreResult<Vec<BookingEvent>> {
        on_pool!(&self.store.db, |p| sqlx::query_as(
            "SELECT id, booking_id, at_ms, actor, from_status, to_status, note
             FROM booking_events WHERE tenant_id = $1 AND booking_id = $2 ORDER BY at_ms, id"
        )
        .bind(self.tenant)
        .bind(id)
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// Waitlist entries of a location (all statuses unless one is given), oldest first.
    pub async fn waitlist(
        &self,
        location: Option<LocationId>,
        status: Option<&str>,
    ) -> StoreResult<Vec<WaitlistEntry>> {
        let sql = format!(
            "SELECT {WAITLIST_COLS} FROM waitlist WHERE tenant_id = $1
               AND ($2 IS NULL OR location_id = $2) AND ($3 IS NULL OR status = $3)
             ORDER BY created_at_ms, id LIMIT 500"
        );
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .bind(location)
        .bind(status)
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// One waitlist entry.
    pub async fn waitlist_entry(&self, id: WaitlistId) -> StoreResult<Option<WaitlistEntry>> {
        let sql = format!("SELECT {WAITLIST_COLS} FROM waitlist WHERE tenant_id = $1 AND id = $2");
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }
}

impl TenantWrite<'_> {
    /// Releases holds that expired at `now` (their allocations are deleted, status `expired`).
    /// Returns how many.
    pub async fn release_expired_holds(&mut self, now: i64) -> StoreResult<u64> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "DELETE FROM allocations WHERE tenant_id = $1 AND booking_id IN
               (SELECT id FROM bookings WHERE tenant_id = $1 AND status = 'held' AND hold_expires_at_ms <= $2)"
        )
        .bind(t)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        let ids: Vec<(BookingId,)> = on_tx!(self.tx, |c| sqlx::query_as(
            "UPDATE bookings SET status = 'expired', updated_at_ms = $2
             WHERE tenant_id = $1 AND status = 'held' AND hold_expires_at_ms <= $2 RETURNING id"
        )
        .bind(t)
        .bind(now)
        .fetch_all(&mut *c)
        .await
        .map_err(map_err))?;
        for (id,) in &ids {
            self.insert_event(*id, now, "system", Some("held"), "expired", "hold expired")
                .await?;
        }
        Ok(ids.len() as u64)
    }

    /// Inserts a booking with its items and allocations, atomically. Fails with
    /// `Conflict("slot_taken")` when a resource unit is already held for an overlapping time,
    /// `Conflict("session_full")` when a group session has no seats left, and
    /// `Conflict("idempotency_key")` when the key was used before. Nothing is written then.
    pub async fn insert_booking(&mut self, nb: &NewBooking, now: i64) -> StoreResult<BookingEvent> {
        self.insert_booking_audited(nb, now, None).await
    }

    /// [`insert_booking`](Self::insert_booking) with an audit entry written in the same round
    /// trip.
    pub async fn insert_booking_audited(
        &mut self,
        nb: &NewBooking,
        now: i64,
        audit: Option<&crate::NewAudit>,
    ) -> StoreResult<BookingEvent> {
        // Lapsed holds are released only when one is in the way (or seats are counted), so the
        // common case costs nothing extra.
        let mut released = false;
        if !nb.sessions.is_empty() {
            self.release_expired_holds(now).await?;
            released = true;
        }
        // SQLite: the overlap trigger refuses the insert below and the transaction goes on, so
        // there is no separate check. PostgreSQL: an exclusion violation aborts the transaction,
        // so one statement looks first (the constraint still settles any race).
        let pg = self.tx.backend() == crate::Backend::Postgres;
        if pg && !released {
            match self.in_the_way(&nb.allocations, now).await? {
                InTheWay::Nothing => {}
                InTheWay::LapsedHolds => {
                    self.release_expired_holds(now).await?;
                    released = true;
                }
                InTheWay::Live => return Err(StoreError::Conflict("slot_taken")),
            }
        }
        for (resource, key, capacity) in &nb.sessions {
            self.lock_session(key).await?;
            let taken = self.session_seats(*resource, key).await?;
            let wanted: i64 = nb
                .allocations
                .iter()
                .filter(|a| a.resource_id == *resource && a.session_key == *key)
                .map(|a| a.seats)
                .max()
                .unwrap_or(0);
            if taken + wanted > *capacity {
                return Err(StoreError::Conflict("session_full"));
            }
        }
        let b = &nb.booking;
        let ev = BookingEvent {
            id: BookingEventId::new(),
            booking_id: b.id,
            at_ms: now,
            actor: nb.actor.clone(),
            from_status: None,
            to_status: b.status.clone(),
            note: "created".into(),
        };
        let mut placed = self.write_booking_rows(nb, &ev, audit).await;
        // A refused statement wrote none of its rows; a lapsed hold may be what was in the way,
        // so release those once and try again (SQLite; PostgreSQL looked first).
        if matches!(placed, Err(StoreError::Conflict("slot_taken")))
            && !pg
            && !released
            && self.release_expired_holds(now).await? > 0
        {
            placed = self.write_booking_rows(nb, &ev, audit).await;
        }
        placed.map(|()| ev)
    }

    /// The booking, its items, allocations and first event in ONE round trip: on SQLite a
    /// multi-statement batch (parameters are numbered across it), on PostgreSQL one statement
    /// of chained inserts. Either all rows are written or, on error, none (SQLite goes on
    /// after a refused statement, so what the batch wrote before it is removed again).
    async fn write_booking_rows(
        &mut self,
        nb: &NewBooking,
        ev: &BookingEvent,
        audit: Option<&crate::NewAudit>,
    ) -> StoreResult<()> {
        let t = self.tenant;
        let b = &nb.booking;
        let hold = if b.status == "held" {
            b.hold_expires_at_ms
        } else {
            None
        };
        let mut next = 1;
        let mut rows = |n: usize, cols: usize| {
            let p = placeholders_from(next, n, cols);
            next += n * cols;
            p
        };
        let booking_sql = format!(
            "INSERT INTO bookings ({BOOKING_COLS}) VALUES {}",
            rows(1, 23)
        );
        let items_sql = (!nb.items.is_empty()).then(|| format!(
            "INSERT INTO booking_items (tenant_id, booking_id, position, service_id, staff_id, starts_at_ms, ends_at_ms, price_minor, currency) VALUES {}",
            rows(nb.items.len(), 9)
        ));
        let alloc_sql = (!nb.allocations.is_empty()).then(|| format!(
            "INSERT INTO allocations (tenant_id, booking_id, resource_id, location_id, unit, starts_at_ms, ends_at_ms, session_key, seats, hold_expires_at_ms) VALUES {}",
            rows(nb.allocations.len(), 10)
        ));
        let event_sql = format!(
            "INSERT INTO booking_events (tenant_id, id, booking_id, at_ms, actor, from_status, to_status, note) VALUES {}",
            rows(1, 8)
        );
        let audit_sql = audit.map(|_| format!(
            "INSERT INTO audit_log (tenant_id, id, at_ms, actor_kind, actor_id, actor_label, action, target, details, ip, user_agent) VALUES {}",
            rows(1, 11)
        ));
        let pg = self.tx.backend() == crate::Backend::Postgres;
        let sql = if pg {
            let mut ctes = vec![format!("b AS ({booking_sql} RETURNING 1)")];
            if let Some(x) = &items_sql {
                ctes.push(format!("i AS ({x} RETURNING 1)"));
            }
            if let Some(x) = &alloc_sql {
                ctes.push(format!("a AS ({x} RETURNING 1)"));
            }
            if let Some(x) = &audit_sql {
                ctes.push(format!("l AS ({x} RETURNING 1)"));
            }
            format!("WITH {} {event_sql}", ctes.join(", "))
        } else {
            let mut parts = vec![booking_sql];
            parts.extend(items_sql);
            parts.extend(alloc_sql);
            parts.push(event_sql);
            parts.extend(audit_sql);
            parts.join("; ")
        };
        let res = on_tx!(self.tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(t)
                .bind(b.id)
                .bind(b.location_id)
                .bind(b.customer_id)
                .bind(&b.kind)
                .bind(&b.status)
                .bind(&b.source)
                .bind(b.starts_at_ms)
                .bind(b.ends_at_ms)
                .bind(&b.time_zone)
                .bind(b.party_size)
                .bind(&b.notes)
                .bind(&b.requirements)
                .bind(&b.explanation)
                .bind(b.hold_expires_at_ms)
                .bind(b.series_id)
                .bind(&b.idempotency_key)
                .bind(&b.request_hash)
                .bind(&b.manage_token_hash)
                .bind(b.created_by)
                .bind(&b.cancel_reason)
                .bind(b.created_at_ms)
                .bind(b.updated_at_ms);
            for i in &nb.items {
                q = q
                    .bind(t)
                    .bind(i.booking_id)
                    .bind(i.position)
                    .bind(i.service_id)
                    .bind(i.staff_id)
                    .bind(i.starts_at_ms)
                    .bind(i.ends_at_ms)
                    .bind(i.price_minor)
                    .bind(&i.currency);
            }
            for a in &nb.allocations {
                q = q
                    .bind(t)
                    .bind(a.booking_id)
                    .bind(a.resource_id)
                    .bind(b.location_id)
                    .bind(a.unit)
                    .bind(a.starts_at_ms)
                    .bind(a.ends_at_ms)
                    .bind(&a.session_key)
                    .bind(a.seats)
                    .bind(hold);
            }
            q = q
                .bind(t)
                .bind(ev.id)
                .bind(ev.booking_id)
                .bind(ev.at_ms)
                .bind(&ev.actor)
                .bind(&ev.from_status)
                .bind(&ev.to_status)
                .bind(&ev.note);
            if let Some(e) = audit {
                q = q
                    .bind(t)
                    .bind(AuditId::new())
                    .bind(e.at_ms)
                    .bind(&e.actor_kind)
                    .bind(&e.actor_id)
                    .bind(&e.actor_label)
                    .bind(&e.action)
                    .bind(&e.target)
                    .bind(e.details.to_string())
                    .bind(&e.ip)
                    .bind(&e.user_agent);
            }
            q.execute(&mut *c)
                .await
                .map_err(map_booking_err)
                .map(|r| r.rows_affected())
        });
        if let Err(e) = res {
            if !pg {
                // Undo what the batch wrote before the refused statement (the booking row; its
                // items go with it).
                on_tx!(self.tx, |c| sqlx::query(
                    "DELETE FROM bookings WHERE tenant_id = $1 AND id = $2"
                )
                .bind(t)
                .bind(b.id)
                .execute(&mut *c)
                .await
                .map_err(map_err)
                .map(|r| r.rows_affected()))?;
            }
            return Err(e);
        }
        Ok(())
    }

    /// Moves a booking: replaces its times, items and allocations atomically, with the same
    /// conflict rules as [`insert_booking`](Self::insert_booking). False if not found.
    pub async fn reschedule_booking(
        &mut self,
        nb: &NewBooking,
        now: i64,
        note: &str,
    ) -> StoreResult<bool> {
        let t = self.tenant;
        let b = &nb.booking;
        self.release_expired_holds(now).await?;
        on_tx!(self.tx, |c| sqlx::query(
            "DELETE FROM allocations WHERE tenant_id = $1 AND booking_id = $2"
        )
        .bind(t)
        .bind(b.id)
        .execute(&mut *c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        // Lapsed holds are gone already, so anything in the way is live.
        if !matches!(
            self.in_the_way(&nb.allocations, now).await?,
            InTheWay::Nothing
        ) {
            return Err(StoreError::Conflict("slot_taken"));
        }
        for (resource, key, capacity) in &nb.sessions {
            self.lock_session(key).await?;
            let taken = self.session_seats(*resource, key).await?;
            if taken + b.party_size > *capacity {
                return Err(StoreError::Conflict("session_full"));
            }
        }
        let n = on_tx!(self.tx, |c| {
            sqlx::query(
            "UPDATE bookings SET starts_at_ms = $3, ends_at_ms = $4, party_size = $5, explanation = $6, updated_at_ms = $7
             WHERE tenant_id = $1 AND id = $2"
        )
        .bind(t)
        .bind(b.id)
        .bind(b.starts_at_ms)
        .bind(b.ends_at_ms)
        .bind(b.party_size)
        .bind(&b.explanation)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(map_booking_err)
        .map(|r| r.rows_affected())
        })?;
        if n == 0 {
            return Ok(false);
        }
        on_tx!(self.tx, |c| sqlx::query(
            "DELETE FROM booking_items WHERE tenant_id = $1 AND booking_id = $2"
        )
        .bind(t)
        .bind(b.id)
        .execute(&mut *c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        self.insert_items(&nb.items).await?;
        self.insert_allocations(b, &nb.allocations).await?;
        self.insert_event(b.id, now, &nb.actor, Some(&b.status), &b.status, note)
            .await?;
        Ok(true)
    }

    /// Changes a booking's status if it is currently one of `from`. Cancelled and expired
    /// bookings release their resources. Returns the previous status, or None when the booking
    /// does not exist or is in another status.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_booking_status(
        &mut self,
        id: BookingId,
        from: &[&str],
        to: &str,
        actor: &str,
        note: &str,
        cancel_reason: Option<&str>,
        now: i64,
    ) -> StoreResult<Option<String>> {
        let t = self.tenant;
        let cur: Option<(String,)> = on_tx!(self.tx, |c| sqlx::query_as(
            "SELECT status FROM bookings WHERE tenant_id = $1 AND id = $2"
        )
        .bind(t)
        .bind(id)
        .fetch_optional(&mut *c)
        .await
        .map_err(map_err))?;
        let Some((cur,)) = cur else { return Ok(None) };
        if !from.contains(&cur.as_str()) {
            return Ok(None);
        }
        on_tx!(self.tx, |c| sqlx::query(
            "UPDATE bookings SET status = $3, cancel_reason = COALESCE($4, cancel_reason),
                hold_expires_at_ms = CASE WHEN $3 = 'held' THEN hold_expires_at_ms ELSE NULL END,
                updated_at_ms = $5
             WHERE tenant_id = $1 AND id = $2"
        )
        .bind(t)
        .bind(id)
        .bind(to)
        .bind(cancel_reason)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        if cur == "held" && to != "held" {
            on_tx!(self.tx, |c| {
                sqlx::query(
                "UPDATE allocations SET hold_expires_at_ms = NULL WHERE tenant_id = $1 AND booking_id = $2"
            )
            .bind(t)
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(map_booking_err)
            .map(|r| r.rows_affected())
            })?;
        }
        if to == "cancelled" || to == "expired" {
            on_tx!(self.tx, |c| sqlx::query(
                "DELETE FROM allocations WHERE tenant_id = $1 AND booking_id = $2"
            )
            .bind(t)
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected()))?;
        }
        self.insert_event(id, now, actor, Some(&cur), to, note)
            .await?;
        Ok(Some(cur))
    }

    /// Records one more manage-booking link of a booking (its secret salted-hashed).
    pub async fn insert_manage_link(
        &mut self,
        id: ManageLinkId,
        booking: BookingId,
        secret_hash: &str,
        now: i64,
    ) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO manage_links (tenant_id, id, booking_id, secret_hash, created_at_ms) VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(t)
        .bind(id)
        .bind(booking)
        .bind(secret_hash)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Sets or replaces the hash of a booking's manage token. The hash it replaces is kept in
    /// `booking_links`, so links already sent keep working.
    pub async fn set_manage_token(&mut self, id: BookingId, hash: &str) -> StoreResult<bool> {
        let t = self.tenant;
        on_tx!(self.tx, |c| sqlx::query(
            "INSERT INTO booking_links (tenant_id, booking_id, token_hash, created_at_ms)
             SELECT tenant_id, id, manage_token_hash, updated_at_ms FROM bookings
             WHERE tenant_id = $1 AND id = $2 AND manage_token_hash IS NOT NULL
             ON CONFLICT DO NOTHING"
        )
        .bind(t)
        .bind(id)
        .execute(&mut *c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        let n = on_tx!(self.tx, |c| sqlx::query(
            "UPDATE bookings SET manage_token_hash = $3 WHERE tenant_id = $1 AND id = $2"
        )
        .bind(t)
        .bind(id)
        .bind(hash)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Records a new series.
    pub async fn insert_series(&mut self, id: SeriesId, rule: &str, now: i64) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO booking_series (tenant_id, id, rule, created_at_ms) VALUES ($1, $2, $3, $4)"
        )
        .bind(t)
        .bind(id)
        .bind(rule)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Adds a waitlist entry.
    pub async fn insert_waitlist(&mut self, w: &WaitlistEntry) -> StoreResult<()> {
        let t = self.tenant;
        let sql = format!(
            "INSERT INTO waitlist ({WAITLIST_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        );
        on_tx!(self.tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(t)
            .bind(w.id)
            .bind(w.location_id)
            .bind(w.customer_id)
            .bind(w.service_id)
            .bind(w.staff_id)
            .bind(w.party_size)
            .bind(w.window_start_ms)
            .bind(w.window_end_ms)
            .bind(&w.status)
            .bind(w.offered_start_ms)
            .bind(w.offered_at_ms)
            .bind(&w.notes)
            .bind(w.created_at_ms)
            .bind(w.updated_at_ms)
            .execute(c)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The oldest waiting entries whose window contains `[start, end)` for this service (or any
    /// service when the entry names none) and party size.
    pub async fn waitlist_candidates(
        &mut self,
        location: LocationId,
        service: Option<ServiceId>,
        start_ms: i64,
        end_ms: i64,
    ) -> StoreResult<Vec<WaitlistEntry>> {
        let t = self.tenant;
        let sql = format!(
            "SELECT {WAITLIST_COLS} FROM waitlist WHERE tenant_id = $1 AND location_id = $2 AND status = 'waiting'
               AND window_start_ms <= $4 AND window_end_ms >= $5
               AND (service_id IS NULL OR service_id = $3)
             ORDER BY created_at_ms, id LIMIT 20"
        );
        on_tx!(self.tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(t)
        .bind(location)
        .bind(service)
        .bind(start_ms)
        .bind(end_ms)
        .fetch_all(&mut *c)
        .await
        .map_err(map_err))
    }

    /// Changes a waitlist entry's status (and the offer, when offering). False if not found.
    pub async fn set_waitlist_status(
        &mut self,
        id: WaitlistId,
        status: &str,
        offered_start_ms: Option<i64>,
        now: i64,
    ) -> StoreResult<bool> {
        let t = self.tenant;
        let n = on_tx!(self.tx, |c| sqlx::query(
            "UPDATE waitlist SET status = $3,
                offered_start_ms = COALESCE($4, offered_start_ms),
                offered_at_ms = CASE WHEN $4 IS NULL THEN offered_at_ms ELSE $5 END,
                updated_at_ms = $5
             WHERE tenant_id = $1 AND id = $2"
        )
        .bind(t)
        .bind(id)
        .bind(status)
        .bind(offered_start_ms)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Updates a customer's booking aggregate (promise B7): first/last booking, counts.
    pub async fn refresh_customer_stats(
        &mut self,
        customer: CustomerId,
        now: i64,
    ) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "UPDATE customers SET
                first_booking_at_ms = (SELECT MIN(starts_at_ms) FROM bookings WHERE tenant_id = $1 AND customer_id = $2 AND status IN ('pending', 'confirmed', 'checked_in', 'completed', 'no_show')),
                last_booking_at_ms = (SELECT MAX(starts_at_ms) FROM bookings WHERE tenant_id = $1 AND customer_id = $2 AND status IN ('pending', 'confirmed', 'checked_in', 'completed', 'no_show')),
                booking_count = (SELECT COUNT(*) FROM bookings WHERE tenant_id = $1 AND customer_id = $2 AND status IN ('pending', 'confirmed', 'checked_in', 'completed', 'no_show')),
                no_show_count = (SELECT COUNT(*) FROM bookings WHERE tenant_id = $1 AND customer_id = $2 AND status = 'no_show'),
                updated_at_ms = $3
             WHERE tenant_id = $1 AND id = $2"
        )
        .bind(t)
        .bind(customer)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// All items in one statement.
    async fn insert_items(&mut self, items: &[BookingItem]) -> StoreResult<()> {
        if items.is_empty() {
            return Ok(());
        }
        let t = self.tenant;
        let sql = format!(
            "INSERT INTO booking_items (tenant_id, booking_id, position, service_id, staff_id, starts_at_ms, ends_at_ms, price_minor, currency) VALUES {}",
            placeholders(items.len(), 9)
        );
        on_tx!(self.tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for i in items {
                q = q
                    .bind(t)
                    .bind(i.booking_id)
                    .bind(i.position)
                    .bind(i.service_id)
                    .bind(i.staff_id)
                    .bind(i.starts_at_ms)
                    .bind(i.ends_at_ms)
                    .bind(i.price_minor)
                    .bind(&i.currency);
            }
            q.execute(&mut *c)
                .await
                .map_err(map_booking_err)
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// All allocations in one statement: the database refuses the whole statement when any
    /// row overlaps (trigger on SQLite, exclusion constraint on PostgreSQL).
    async fn insert_allocations(
        &mut self,
        b: &Booking,
        allocations: &[Allocation],
    ) -> StoreResult<()> {
        if allocations.is_empty() {
            return Ok(());
        }
        let t = self.tenant;
        let hold = if b.status == "held" {
            b.hold_expires_at_ms
        } else {
            None
        };
        let sql = format!(
            "INSERT INTO allocations (tenant_id, booking_id, resource_id, location_id, unit, starts_at_ms, ends_at_ms, session_key, seats, hold_expires_at_ms) VALUES {}",
            placeholders(allocations.len(), 10)
        );
        on_tx!(self.tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for a in allocations {
                q = q
                    .bind(t)
                    .bind(a.booking_id)
                    .bind(a.resource_id)
                    .bind(b.location_id)
                    .bind(a.unit)
                    .bind(a.starts_at_ms)
                    .bind(a.ends_at_ms)
                    .bind(&a.session_key)
                    .bind(a.seats)
                    .bind(hold);
            }
            q.execute(&mut *c)
                .await
                .map_err(map_booking_err)
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// What already holds any of these resource units at an overlapping time, in one
    /// statement: nothing, only holds that lapsed by `now`, or something live.
    async fn in_the_way(&mut self, allocations: &[Allocation], now: i64) -> StoreResult<InTheWay> {
        if allocations.is_empty() {
            return Ok(InTheWay::Nothing);
        }
        let mut cond = Vec::with_capacity(allocations.len());
        for k in 0..allocations.len() {
            let p = 3 + k * 5;
            cond.push(format!(
                "(resource_id = ${} AND unit = ${} AND starts_at_ms > ${} - {MAX_ALLOCATION_MS} AND starts_at_ms < ${} AND ends_at_ms > ${} AND session_key <> ${})",
                p,
                p + 1,
                p + 2,
                p + 3,
                p + 2,
                p + 4
            ));
        }
        let sql = format!(
            "SELECT CAST(MAX(CASE WHEN hold_expires_at_ms IS NOT NULL AND hold_expires_at_ms <= $2 THEN 0 ELSE 1 END) AS BIGINT)
             FROM allocations WHERE tenant_id = $1 AND ({})",
            cond.join(" OR ")
        );
        let t = self.tenant;
        let (hit,): (Option<i64>,) = on_tx!(self.tx, |c| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(t)
                .bind(now);
            for a in allocations {
                q = q
                    .bind(a.resource_id)
                    .bind(a.unit)
                    .bind(a.starts_at_ms)
                    .bind(a.ends_at_ms)
                    .bind(&a.session_key);
            }
            q.fetch_one(&mut *c).await.map_err(map_err)
        })?;
        Ok(match hit {
            None => InTheWay::Nothing,
            Some(0) => InTheWay::LapsedHolds,
            Some(_) => InTheWay::Live,
        })
    }

    /// Serialises seat counting for one group session (PostgreSQL; SQLite has one writer).
    async fn lock_session(&mut self, key: &str) -> StoreResult<()> {
        if let crate::db::TxInner::Postgres(tx) = &mut self.tx.inner {
            let k = format!("{}|{key}", self.tenant);
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(k)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
        }
        Ok(())
    }

    async fn session_seats(&mut self, resource: ResourceId, key: &str) -> StoreResult<i64> {
        let t = self.tenant;
        let (n,): (Option<i64>,) = on_tx!(self.tx, |c| {
            sqlx::query_as(
            "SELECT CAST(SUM(seats) AS BIGINT) FROM (SELECT booking_id, MAX(seats) AS seats FROM allocations
               WHERE tenant_id = $1 AND resource_id = $2 AND session_key = $3 GROUP BY booking_id) s"
        )
        .bind(t)
        .bind(resource)
        .bind(key)
        .fetch_one(&mut *c)
        .await
        .map_err(map_err)
        })?;
        Ok(n.unwrap_or(0))
    }

    pub(crate) async fn insert_event(
        &mut self,
        booking: BookingId,
        now: i64,
        actor: &str,
        from: Option<&str>,
        to: &str,
        note: &str,
    ) -> StoreResult<BookingEvent> {
        let t = self.tenant;
        let ev = BookingEvent {
            id: BookingEventId::new(),
            booking_id: booking,
            at_ms: now,
            actor: actor.to_string(),
            from_status: from.map(str::to_string),
            to_status: to.to_string(),
            note: note.to_string(),
        };
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO booking_events (tenant_id, id, booking_id, at_ms, actor, from_status, to_status, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )
        .bind(t)
        .bind(ev.id)
        .bind(booking)
        .bind(now)
        .bind(actor)
        .bind(from)
        .bind(to)
        .bind(note)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(ev)
    }
}

impl Store {
    /// Tenants with holds that expired at `now` (for the sweep job), at most `limit`.
    pub async fn tenants_with_expired_holds(
        &self,
        now: i64,
        limit: i64,
    ) -> StoreResult<Vec<TenantId>> {
        on_pool!(&self.db, |p| {
            let rows: Vec<(TenantId,)> = sqlx::query_as(
                "SELECT DISTINCT tenant_id FROM bookings WHERE status = 'held' AND hold_expires_at_ms <= $1 LIMIT $2",
            )
            .bind(now)
            .bind(limit)
            .fetch_all(p)
            .await
            .map_err(map_err)?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        })
    }

    /// Counts overlapping pairs of allocations across the whole database (same resource unit,
    /// overlapping time, different sessions). Always 0; used by tests and benchmarks to prove it.
    pub async fn count_overlapping_allocations(&self) -> StoreResult<i64> {
        on_pool!(&self.db, |p| {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM allocations a JOIN allocations b
                   ON a.tenant_id = b.tenant_id AND a.resource_id = b.resource_id AND a.unit = b.unit
                  AND a.starts_at_ms < b.ends_at_ms AND b.starts_at_ms < a.ends_at_ms
                  AND a.session_key <> b.session_key AND a.booking_id < b.booking_id",
            )
            .fetch_one(p)
            .await
            .map_err(map_err)?;
            Ok(n)
        })
    }
}

/// Maps the database's own refusals of a booking write to conflicts.
/// The longest an allocation may be (three days; the database refuses longer ones). Overlap
/// searches only look at allocations starting this long before the window.
pub const MAX_ALLOCATION_MS: i64 = 259_200_000;

enum InTheWay {
    Nothing,
    LapsedHolds,
    Live,
}

/// `($1, $2, …), (…)` for `rows` rows of `cols` parameters.
fn placeholders(rows: usize, cols: usize) -> String {
    placeholders_from(1, rows, cols)
}

/// Like [`placeholders`], numbering from `first`.
fn placeholders_from(first: usize, rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(first + r * cols + c).to_string());
        }
        out.push(')');
    }
    out
}

fn map_booking_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        let what = format!("{} {}", db.constraint().unwrap_or(""), db.message());
        if what.contains("allocations_no_overlap") || db.code().as_deref() == Some("23P01") {
            return StoreError::Conflict("slot_taken");
        }
        if db.is_unique_violation() && what.contains("idempotency_key") {
            return StoreError::Conflict("idempotency_key");
        }
        if db.is_unique_violation() && what.contains("bookings.tenant_id, bookings.idempotency_key")
        {
            return StoreError::Conflict("idempotency_key");
        }
    }
    map_err(e)
}
