-- Notifications: the SMS outbox and SMS credits, owner-editable message templates, notification
-- settings, and the ledger of booking notifications (one row per booking and key, so a
-- confirmation or reminder exists at most once; promise N1).

-- Every text message, whatever the transport (outbox folder, Twilio, SMSAPI).
CREATE TABLE sms_outbox (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    to_phone TEXT NOT NULL,
    body TEXT NOT NULL,
    purpose TEXT NOT NULL,
    urgent BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    provider TEXT,
    provider_id TEXT,
    segments BIGINT NOT NULL,
    error TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    sent_at_ms BIGINT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sms_outbox_tenant_time ON sms_outbox (tenant_id, created_at_ms);

-- SMS credits per business, counted in segments. A row appears with the initial grant at the
-- first use. The low-credit alert is sent once per crossing (low_alert_sent_at_ms is cleared by
-- a top-up above the threshold).
CREATE TABLE sms_credits (
    tenant_id UUID NOT NULL PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    balance BIGINT NOT NULL,
    low_threshold BIGINT NOT NULL,
    low_alert_sent_at_ms BIGINT,
    updated_at_ms BIGINT NOT NULL
);

-- Owner-edited message templates (absent row = the built-in default of that language).
CREATE TABLE message_templates (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    language TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    updated_by UUID,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, kind, channel, language)
);

-- Notification settings of a business (absent row = defaults).
CREATE TABLE notification_settings (
    tenant_id UUID NOT NULL PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    reminder_hours BIGINT CHECK (reminder_hours BETWEEN 1 AND 336),
    review_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    review_url TEXT,
    admin_enabled BOOLEAN NOT NULL DEFAULT TRUE,
    quiet_start_min BIGINT CHECK (quiet_start_min BETWEEN 0 AND 1439),
    quiet_end_min BIGINT CHECK (quiet_end_min BETWEEN 0 AND 1439),
    customer_channel TEXT NOT NULL DEFAULT 'sms' CHECK (customer_channel IN ('sms', 'email')),
    updated_at_ms BIGINT NOT NULL
);

-- The ledger of booking notifications. `key` is unique per booking: `confirmation`, `reminder`,
-- `review_request`, `cancellation`, `admin_new`, `admin_cancelled`, and `modified:<id>` /
-- `admin_changed:<id>` for each change. A row moves scheduled → sent | skipped | cancelled in the
-- same transaction that queues its message, so a message is created exactly once; `version`
-- changes whenever the row is rescheduled, and only the job carrying the current version acts.
CREATE TABLE notifications (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    id UUID NOT NULL,
    booking_id UUID NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    audience TEXT NOT NULL CHECK (audience IN ('customer', 'staff')),
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'sent', 'skipped', 'cancelled', 'off')),
    urgent BOOLEAN NOT NULL DEFAULT FALSE,
    due_at_ms BIGINT NOT NULL,
    version BIGINT NOT NULL,
    channel TEXT,
    message_id TEXT,
    reason TEXT,
    context TEXT NOT NULL DEFAULT '{}',
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    sent_at_ms BIGINT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX notifications_tenant_booking_key ON notifications (tenant_id, booking_id, key);
CREATE INDEX notifications_tenant_due ON notifications (tenant_id, status, due_at_ms);
