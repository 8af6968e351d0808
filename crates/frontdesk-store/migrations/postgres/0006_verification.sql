-- The customer's side: the public booking page's settings per business, one-time codes that
-- confirm a public booking (promises O1–O3), every manage-booking link a booking was given
-- (promise B5: hashes only) and the customer's messaging opt-in (promise R5).

-- Booking page settings of a business (absent row = defaults: codes valid 5 minutes, no
-- consent checkboxes).
CREATE TABLE booking_page_settings (
    tenant_id UUID NOT NULL PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    code_minutes BIGINT NOT NULL DEFAULT 5 CHECK (code_minutes BETWEEN 2 AND 30),
    ask_marketing_consent BOOLEAN NOT NULL DEFAULT FALSE,
    ask_messaging_consent BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at_ms BIGINT NOT NULL
);

-- One row per held public booking while it waits for its code. code_hash is a keyed hash
-- (HMAC-SHA256 under a key derived from the master key, never the code itself); attempts count
-- guesses at the current code, sends count codes sent for the booking (the first and resends).
-- The row is marked used in the transaction that confirms the booking and deleted with it; rows
-- of bookings that are no longer held are purged each minute. The e-mail and consents given on
-- the form wait here until the phone is verified.
CREATE TABLE verification_codes (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    booking_id UUID NOT NULL,
    phone TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    sends BIGINT NOT NULL DEFAULT 1,
    last_sent_at_ms BIGINT NOT NULL,
    used_at_ms BIGINT,
    email TEXT,
    marketing_consent BOOLEAN NOT NULL DEFAULT FALSE,
    messaging_consent BOOLEAN NOT NULL DEFAULT FALSE,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, booking_id),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, id) ON DELETE CASCADE
);

-- Earlier manage-booking links of a booking. Each message that carries a link mints a new one
-- (bookings.manage_token_hash holds the newest); the links already sent keep working.
CREATE TABLE booking_links (
    tenant_id UUID NOT NULL,
    booking_id UUID NOT NULL,
    token_hash TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, booking_id, token_hash),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, id) ON DELETE CASCADE
);

-- Messaging opt-in (texts about more than the booking itself), recorded like marketing consent.
ALTER TABLE customers ADD COLUMN messaging_consent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE customers ADD COLUMN messaging_consent_at_ms BIGINT;
ALTER TABLE customers ADD COLUMN messaging_consent_source TEXT;
