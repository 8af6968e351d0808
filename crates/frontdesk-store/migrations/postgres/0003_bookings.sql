-- Bookings: appointments and reservations, the resources they hold, their history, recurring
-- series and the waitlist. No double booking is enforced here (promise B2): on PostgreSQL by an
-- exclusion constraint over (tenant, resource, unit, time range); two allocations may overlap only
-- when they belong to the same group session (same session_key).

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE booking_series (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    rule TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE bookings (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    location_id UUID NOT NULL,
    customer_id UUID,
    kind TEXT NOT NULL CHECK (kind IN ('appointment', 'reservation')),
    status TEXT NOT NULL CHECK (status IN ('held', 'pending', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show', 'expired')),
    source TEXT NOT NULL CHECK (source IN ('web', 'chat', 'manual', 'staff', 'walk_in', 'channel', 'api')),
    starts_at_ms BIGINT NOT NULL,
    ends_at_ms BIGINT NOT NULL,
    time_zone TEXT NOT NULL,
    party_size BIGINT NOT NULL CHECK (party_size BETWEEN 1 AND 500),
    notes TEXT NOT NULL,
    requirements TEXT NOT NULL,
    explanation TEXT,
    hold_expires_at_ms BIGINT,
    series_id UUID,
    idempotency_key TEXT,
    request_hash TEXT,
    manage_token_hash TEXT,
    created_by UUID,
    cancel_reason TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK (ends_at_ms > starts_at_ms),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, series_id) REFERENCES booking_series (tenant_id, id)
);
CREATE UNIQUE INDEX bookings_idempotency_key ON bookings (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX bookings_manage_token ON bookings (tenant_id, manage_token_hash) WHERE manage_token_hash IS NOT NULL;
CREATE INDEX bookings_location_time ON bookings (tenant_id, location_id, starts_at_ms);
CREATE INDEX bookings_customer_time ON bookings (tenant_id, customer_id, starts_at_ms);
CREATE INDEX bookings_series ON bookings (tenant_id, series_id);
CREATE INDEX bookings_holds ON bookings (tenant_id, hold_expires_at_ms) WHERE status = 'held';

CREATE TABLE booking_items (
    tenant_id UUID NOT NULL,
    booking_id UUID NOT NULL,
    position BIGINT NOT NULL,
    service_id UUID,
    staff_id UUID,
    starts_at_ms BIGINT NOT NULL,
    ends_at_ms BIGINT NOT NULL,
    price_minor BIGINT,
    currency TEXT,
    PRIMARY KEY (tenant_id, booking_id, position),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES resources (tenant_id, id)
);
CREATE INDEX booking_items_service ON booking_items (tenant_id, service_id);
CREATE INDEX booking_items_staff ON booking_items (tenant_id, staff_id);

CREATE TABLE allocations (
    tenant_id UUID NOT NULL,
    booking_id UUID NOT NULL,
    resource_id UUID NOT NULL,
    location_id UUID NOT NULL,
    unit BIGINT NOT NULL,
    starts_at_ms BIGINT NOT NULL,
    ends_at_ms BIGINT NOT NULL,
    session_key TEXT NOT NULL,
    seats BIGINT NOT NULL,
    hold_expires_at_ms BIGINT,
    PRIMARY KEY (tenant_id, booking_id, resource_id, unit, starts_at_ms),
    CHECK (ends_at_ms > starts_at_ms),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, resource_id) REFERENCES resources (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT allocations_no_overlap EXCLUDE USING gist (
        tenant_id WITH =,
        resource_id WITH =,
        unit WITH =,
        int8range(starts_at_ms, ends_at_ms) WITH &&,
        session_key WITH <>
    )
);
CREATE INDEX allocations_resource_time ON allocations (tenant_id, resource_id, starts_at_ms);
CREATE INDEX allocations_session ON allocations (tenant_id, session_key);
-- Availability reads one location's allocations for a date range from this table alone: an
-- allocation exists only while its booking holds the resource (cancelling or expiring deletes it),
-- and a hold's expiry is copied here.
CREATE INDEX allocations_location_time ON allocations (tenant_id, location_id, starts_at_ms);

CREATE TABLE booking_events (
    tenant_id UUID NOT NULL,
    id UUID NOT NULL,
    booking_id UUID NOT NULL,
    at_ms BIGINT NOT NULL,
    actor TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX booking_events_booking ON booking_events (tenant_id, booking_id, at_ms);

CREATE TABLE waitlist (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    location_id UUID NOT NULL,
    customer_id UUID NOT NULL,
    service_id UUID,
    staff_id UUID,
    party_size BIGINT NOT NULL,
    window_start_ms BIGINT NOT NULL,
    window_end_ms BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'cancelled', 'expired')),
    offered_start_ms BIGINT,
    offered_at_ms BIGINT,
    notes TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK (window_end_ms > window_start_ms),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, staff_id) REFERENCES resources (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX waitlist_location_window ON waitlist (tenant_id, location_id, status, window_start_ms);
CREATE INDEX waitlist_customer ON waitlist (tenant_id, customer_id);
