-- Bookings: appointments and reservations, the resources they hold, their history, recurring
-- series and the waitlist. No double booking is enforced here (promise B2): on PostgreSQL by an
-- exclusion constraint; on SQLite by one writer: the store checks and inserts inside a single
-- BEGIN IMMEDIATE transaction. Allocations may overlap only within one group session.


CREATE TABLE booking_series (
    tenant_id BLOB NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id BLOB NOT NULL,
    rule TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
) STRICT;

CREATE TABLE bookings (
    tenant_id BLOB NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id BLOB NOT NULL,
    location_id BLOB NOT NULL,
    customer_id BLOB,
    kind TEXT NOT NULL CHECK (kind IN ('appointment', 'reservation')),
    status TEXT NOT NULL CHECK (status IN ('held', 'pending', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show', 'expired')),
    source TEXT NOT NULL CHECK (source IN ('web', 'chat', 'manual', 'staff', 'walk_in', 'channel', 'api')),
    starts_at_ms INTEGER NOT NULL,
    ends_at_ms INTEGER NOT NULL,
    time_zone TEXT NOT NULL,
    party_size INTEGER NOT NULL CHECK (party_size BETWEEN 1 AND 500),
    notes TEXT NOT NULL,
    requirements TEXT NOT NULL,
    explanation TEXT,
    hold_expires_at_ms INTEGER,
    series_id BLOB,
    idempotency_key TEXT,
    request_hash TEXT,
    manage_token_hash TEXT,
    created_by BLOB,
    cancel_reason TEXT,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK (ends_at_ms > starts_at_ms),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, series_id) REFERENCES booking_series (tenant_id, id)
) STRICT;
CREATE UNIQUE INDEX bookings_idempotency_key ON bookings (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX bookings_manage_token ON bookings (tenant_id, manage_token_hash) WHERE manage_token_hash IS NOT NULL;
CREATE INDEX bookings_location_time ON bookings (tenant_id, location_id, starts_at_ms);
CREATE INDEX bookings_customer_time ON bookings (tenant_id, customer_id, starts_at_ms);
CREATE INDEX bookings_series ON bookings (tenant_id, series_id);
CREATE INDEX bookings_holds ON bookings (tenant_id, hold_expires_at_ms) WHERE status = 'held';

CREATE TABLE booking_items (
    tenant_id BLOB NOT NULL,
    booking_id BLOB NOT NULL,
    position INTEGER NOT NULL,
    service_id BLOB,
    staff_id BLOB,
    starts_at_ms INTEGER NOT NULL,
    ends_at_ms INTEGER NOT NULL,
    price_minor INTEGER,
    currency TEXT,
    PRIMARY KEY (tenant_id, booking_id, position),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES resources (tenant_id, id)
) STRICT;
CREATE INDEX booking_items_service ON booking_items (tenant_id, service_id);
CREATE INDEX booking_items_staff ON booking_items (tenant_id, staff_id);

CREATE TABLE allocations (
    tenant_id BLOB NOT NULL,
    booking_id BLOB NOT NULL,
    resource_id BLOB NOT NULL,
    location_id BLOB NOT NULL,
    unit INTEGER NOT NULL,
    starts_at_ms INTEGER NOT NULL,
    ends_at_ms INTEGER NOT NULL,
    session_key TEXT NOT NULL,
    seats INTEGER NOT NULL,
    hold_expires_at_ms INTEGER,
    PRIMARY KEY (tenant_id, booking_id, resource_id, unit, starts_at_ms),
    CHECK (ends_at_ms > starts_at_ms),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, resource_id) REFERENCES resources (tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX allocations_resource_time ON allocations (tenant_id, resource_id, starts_at_ms);
CREATE INDEX allocations_session ON allocations (tenant_id, session_key);
-- Availability reads one location's allocations for a date range from this table alone: an
-- allocation exists only while its booking holds the resource (cancelling or expiring deletes it),
-- and a hold's expiry is copied here.
CREATE INDEX allocations_location_time ON allocations (tenant_id, location_id, starts_at_ms);

-- The database refuses an overlapping allocation itself (the store also checks first, for a clear
-- error); with SQLite's single writer this check-and-insert cannot be raced.
CREATE TRIGGER allocations_no_overlap BEFORE INSERT ON allocations
WHEN EXISTS (
    SELECT 1 FROM allocations a
    WHERE a.tenant_id = NEW.tenant_id AND a.resource_id = NEW.resource_id AND a.unit = NEW.unit
      AND a.starts_at_ms < NEW.ends_at_ms AND a.ends_at_ms > NEW.starts_at_ms
      AND a.session_key <> NEW.session_key
)
BEGIN
    SELECT RAISE(ABORT, 'allocations_no_overlap');
END;

CREATE TRIGGER allocations_no_overlap_update BEFORE UPDATE ON allocations
WHEN EXISTS (
    SELECT 1 FROM allocations a
    WHERE a.tenant_id = NEW.tenant_id AND a.resource_id = NEW.resource_id AND a.unit = NEW.unit
      AND a.starts_at_ms < NEW.ends_at_ms AND a.ends_at_ms > NEW.starts_at_ms
      AND a.session_key <> NEW.session_key
      AND NOT (a.booking_id = OLD.booking_id AND a.resource_id = OLD.resource_id AND a.unit = OLD.unit AND a.starts_at_ms = OLD.starts_at_ms)
)
BEGIN
    SELECT RAISE(ABORT, 'allocations_no_overlap');
END;

CREATE TABLE booking_events (
    tenant_id BLOB NOT NULL,
    id BLOB NOT NULL,
    booking_id BLOB NOT NULL,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX booking_events_booking ON booking_events (tenant_id, booking_id, at_ms);

CREATE TABLE waitlist (
    tenant_id BLOB NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id BLOB NOT NULL,
    location_id BLOB NOT NULL,
    customer_id BLOB NOT NULL,
    service_id BLOB,
    staff_id BLOB,
    party_size INTEGER NOT NULL,
    window_start_ms INTEGER NOT NULL,
    window_end_ms INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'cancelled', 'expired')),
    offered_start_ms INTEGER,
    offered_at_ms INTEGER,
    notes TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK (window_end_ms > window_start_ms),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, staff_id) REFERENCES resources (tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX waitlist_location_window ON waitlist (tenant_id, location_id, status, window_start_ms);
CREATE INDEX waitlist_customer ON waitlist (tenant_id, customer_id);
