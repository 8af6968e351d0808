-- Manage-booking links. Every message that carries a link gets its own random token, stored
-- only as a salted hash; all of a booking's links stay valid together (the first one, handed
-- out when the booking is made, lives in bookings.manage_token_hash).
CREATE TABLE manage_links (
    tenant_id BLOB NOT NULL,
    id BLOB NOT NULL,
    booking_id BLOB NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX manage_links_booking ON manage_links (tenant_id, booking_id);
