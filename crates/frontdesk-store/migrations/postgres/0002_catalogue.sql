-- Catalogue: resources (staff, rooms, equipment, tables), restaurant areas and table combinations,
-- weekly hours and exceptions, services with per-staff overrides and resource requirements,
-- booking rules, restaurant service periods, and customers (promises C2, C3, B3, B7).
-- Every table leads its primary key, foreign keys and indexes with tenant_id (promise T1).
-- Lists are JSON text; flags are booleans; minutes are minutes from local midnight.

CREATE TABLE areas (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    location_id UUID NOT NULL,
    name TEXT NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX areas_tenant_location_name ON areas (tenant_id, location_id, name);

CREATE TABLE resources (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    location_id UUID NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('staff', 'room', 'equipment', 'table')),
    name TEXT NOT NULL,
    description TEXT,
    user_id UUID REFERENCES users (id) ON DELETE SET NULL,
    quantity BIGINT NOT NULL DEFAULT 1 CHECK (quantity >= 1),
    area_id UUID,
    min_seats BIGINT,
    max_seats BIGINT,
    shape TEXT CHECK (shape IS NULL OR shape IN ('round', 'square', 'rect', 'booth', 'bar')),
    pos_x BIGINT,
    pos_y BIGINT,
    tags TEXT NOT NULL DEFAULT '[]',
    inventory TEXT NOT NULL DEFAULT 'online' CHECK (inventory IN ('online', 'in_house', 'walk_in')),
    own_hours BOOLEAN NOT NULL DEFAULT FALSE,
    colour TEXT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, area_id) REFERENCES areas (tenant_id, id)
);
CREATE UNIQUE INDEX resources_tenant_location_kind_name ON resources (tenant_id, location_id, kind, name);
CREATE INDEX resources_tenant_user ON resources (tenant_id, user_id);
CREATE INDEX resources_tenant_area ON resources (tenant_id, area_id);

CREATE TABLE table_combos (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    location_id UUID NOT NULL,
    name TEXT NOT NULL,
    min_seats BIGINT NOT NULL,
    max_seats BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX table_combos_tenant_location ON table_combos (tenant_id, location_id);

CREATE TABLE table_combo_members (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    combo_id UUID NOT NULL,
    resource_id UUID NOT NULL,
    PRIMARY KEY (tenant_id, combo_id, resource_id),
    FOREIGN KEY (tenant_id, combo_id) REFERENCES table_combos (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, resource_id) REFERENCES resources (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX table_combo_members_tenant_resource ON table_combo_members (tenant_id, resource_id);

CREATE TABLE hours (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    location_id UUID NOT NULL,
    resource_id UUID,
    weekday BIGINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_min BIGINT NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min BIGINT NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, resource_id) REFERENCES resources (tenant_id, id) ON DELETE CASCADE,
    CHECK (end_min > start_min)
);
CREATE INDEX hours_tenant_location ON hours (tenant_id, location_id, resource_id, weekday);
CREATE INDEX hours_tenant_resource ON hours (tenant_id, resource_id);

CREATE TABLE schedule_exceptions (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    location_id UUID NOT NULL,
    resource_id UUID,
    kind TEXT NOT NULL CHECK (kind IN ('closed', 'open')),
    starts_at_ms BIGINT NOT NULL,
    ends_at_ms BIGINT NOT NULL,
    reason TEXT,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, resource_id) REFERENCES resources (tenant_id, id) ON DELETE CASCADE,
    CHECK (ends_at_ms > starts_at_ms)
);
CREATE INDEX schedule_exceptions_tenant_location_time ON schedule_exceptions (tenant_id, location_id, starts_at_ms);
CREATE INDEX schedule_exceptions_tenant_resource ON schedule_exceptions (tenant_id, resource_id, starts_at_ms);

CREATE TABLE services (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    location_id UUID NOT NULL,
    name TEXT NOT NULL,
    category TEXT,
    description TEXT,
    duration_min BIGINT NOT NULL CHECK (duration_min > 0),
    segments TEXT NOT NULL,
    price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
    currency TEXT NOT NULL,
    buffer_before_min BIGINT NOT NULL DEFAULT 0 CHECK (buffer_before_min >= 0),
    buffer_after_min BIGINT NOT NULL DEFAULT 0 CHECK (buffer_after_min >= 0),
    capacity BIGINT NOT NULL DEFAULT 1 CHECK (capacity >= 1),
    online_bookable BOOLEAN NOT NULL DEFAULT TRUE,
    prerequisite_service_id UUID,
    promo_price_minor BIGINT,
    promo_starts_at_ms BIGINT,
    promo_ends_at_ms BIGINT,
    colour TEXT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, prerequisite_service_id) REFERENCES services (tenant_id, id)
);
CREATE UNIQUE INDEX services_tenant_location_name ON services (tenant_id, location_id, name);
CREATE INDEX services_tenant_prerequisite ON services (tenant_id, prerequisite_service_id);

CREATE TABLE service_staff (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    service_id UUID NOT NULL,
    resource_id UUID NOT NULL,
    duration_min BIGINT,
    price_minor BIGINT,
    PRIMARY KEY (tenant_id, service_id, resource_id),
    FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, resource_id) REFERENCES resources (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX service_staff_tenant_resource ON service_staff (tenant_id, resource_id);

CREATE TABLE service_requirements (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    service_id UUID NOT NULL,
    group_no BIGINT NOT NULL,
    resource_id UUID NOT NULL,
    PRIMARY KEY (tenant_id, service_id, group_no, resource_id),
    FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, resource_id) REFERENCES resources (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX service_requirements_tenant_resource ON service_requirements (tenant_id, resource_id);

-- Absent row = defaults (see BookingRules::defaults).
CREATE TABLE booking_rules (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    location_id UUID NOT NULL,
    slot_step_min BIGINT NOT NULL DEFAULT 15,
    min_notice_min BIGINT NOT NULL DEFAULT 60,
    window_days BIGINT NOT NULL DEFAULT 60,
    cancel_cutoff_min BIGINT NOT NULL DEFAULT 1440,
    edit_cutoff_min BIGINT NOT NULL DEFAULT 1440,
    require_confirmation BOOLEAN NOT NULL DEFAULT FALSE,
    hold_minutes BIGINT NOT NULL DEFAULT 10,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, location_id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE service_periods (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    location_id UUID NOT NULL,
    name TEXT NOT NULL,
    weekdays TEXT NOT NULL,
    start_min BIGINT NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    last_seating_min BIGINT NOT NULL CHECK (last_seating_min BETWEEN 0 AND 1440),
    slot_step_min BIGINT NOT NULL,
    turn_times TEXT NOT NULL,
    max_covers_per_slot BIGINT,
    pacing_interval_min BIGINT,
    pacing_max_covers BIGINT,
    online_share_pct BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE,
    CHECK (last_seating_min >= start_min)
);
CREATE INDEX service_periods_tenant_location ON service_periods (tenant_id, location_id);

CREATE TABLE customers (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    email_key TEXT,
    language TEXT,
    notes TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    requirements TEXT NOT NULL DEFAULT '[]',
    marketing_consent BOOLEAN NOT NULL DEFAULT FALSE,
    marketing_consent_at_ms BIGINT,
    marketing_consent_source TEXT,
    first_booking_at_ms BIGINT,
    last_booking_at_ms BIGINT,
    booking_count BIGINT NOT NULL DEFAULT 0,
    no_show_count BIGINT NOT NULL DEFAULT 0,
    last_verified_at_ms BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX customers_tenant_phone ON customers (tenant_id, phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX customers_tenant_email_key ON customers (tenant_id, email_key) WHERE email_key IS NOT NULL;
CREATE INDEX customers_tenant_name ON customers (tenant_id, name);
